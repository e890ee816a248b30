package io.minietl.flink;

/** Another writer (a runner or a second job) commits the Kinesis shards this job reads. */
public final class FencedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  FencedException(String message) {
    super(message);
  }
}
