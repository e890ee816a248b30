package io.minietl.kinesis;

/** The configured stream does not exist (or is not visible with these credentials). */
public final class StreamNotFoundException extends RuntimeException {
  public StreamNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
