package io.minietl.kinesis;

/**
 * Kinesis refused a position given by sequence number ({@code InvalidArgument} on
 * GetShardIterator): the shard does not hold that sequence number, because retention trimmed it or
 * because it belongs to another stream. The error alone does not say which; a caller tells them
 * apart by the stream's {@linkplain StreamProxy#identity() identity}, never by the message.
 */
public final class InvalidPositionException extends RuntimeException {
  public InvalidPositionException(String message, Throwable cause) {
    super(message, cause);
  }
}
