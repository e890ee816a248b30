package io.minietl.ingest;

/**
 * Another runner committed positions of Kinesis shards this runner is reading: two runners are
 * pointed at the same dataset. This runner stops without committing (its uploaded files are
 * garbage, removable by {@code gc}); the dataset has no duplicate.
 */
public final class FencedException extends RuntimeException {
  public FencedException(String message) {
    super(message);
  }
}
