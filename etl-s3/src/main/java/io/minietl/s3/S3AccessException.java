package io.minietl.s3;

import io.minietl.core.storage.StorageAccessException;

/**
 * The dataset's bucket cannot be used: it does not exist, access is denied, or S3 cannot be
 * reached. A configuration error: the message names the bucket and what to check.
 */
public final class S3AccessException extends StorageAccessException {
  public S3AccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
