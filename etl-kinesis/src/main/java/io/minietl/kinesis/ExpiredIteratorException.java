package io.minietl.kinesis;

/** A shard iterator expired (they live 5 minutes); get a new one after the last record read. */
public final class ExpiredIteratorException extends RuntimeException {
  public ExpiredIteratorException(String message, Throwable cause) {
    super(message, cause);
  }
}
