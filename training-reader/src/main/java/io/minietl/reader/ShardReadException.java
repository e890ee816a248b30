package io.minietl.reader;

/**
 * A shard listed in the manifest could not be read: missing, or its bytes do not match the
 * manifest's checksum, or not a valid Arrow IPC file. {@link #path()} names the object.
 */
public final class ShardReadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  ShardReadException(String path, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
  }

  /** The shard's path in the dataset, as listed in the manifest. */
  public String path() {
    return path;
  }
}
