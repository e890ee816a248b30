package io.minietl.kinesis;

/**
 * A dataset's checkpoint belongs to another Kinesis stream than the one being read: another name,
 * or the same name deleted and created again (a new creation time). Continuing would skip the new
 * stream's shards whose ids the old checkpoint knows as closed, so a reader stops instead; a
 * configuration error (the user either points at the right stream or resets the checkpoint).
 */
public final class StreamMismatchException extends RuntimeException {
  public StreamMismatchException(String message) {
    super(message);
  }
}
