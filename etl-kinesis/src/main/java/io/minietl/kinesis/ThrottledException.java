package io.minietl.kinesis;

/** Kinesis refused a call for throughput or rate limits; back off (with jitter) and retry. */
public final class ThrottledException extends RuntimeException {
  public ThrottledException(String message, Throwable cause) {
    super(message, cause);
  }
}
