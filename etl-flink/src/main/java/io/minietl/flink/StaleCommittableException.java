package io.minietl.flink;

/**
 * A committable restored from Flink state whose files are gone from the store (gc deleted them
 * after the commit deadline): it cannot be committed without losing its records.
 */
final class StaleCommittableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StaleCommittableException(String message) {
    super(message);
  }
}
