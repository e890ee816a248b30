package io.minietl.core.manifest;

/**
 * A manifest, or a sequence of manifests, that breaks the format or its invariants: a missing or
 * malformed field, versions that are not contiguous, a shard listed twice, totals that do not add
 * up. The dataset is corrupt or was written by a buggy writer; retrying does not help.
 */
public class InvalidManifestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidManifestException(String message) {
    super(message);
  }

  public InvalidManifestException(String message, Throwable cause) {
    super(message, cause);
  }
}
