package io.minietl.core.storage;

/**
 * A dataset's storage cannot be used at all: a bucket that does not exist or denies access, a
 * directory that cannot be written, a store that cannot be reached. A configuration error (the CLI
 * exits 2): the message names the location and what to check. Unlike a transient failure, retrying
 * does not help.
 */
public class StorageAccessException extends RuntimeException {
  public StorageAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
