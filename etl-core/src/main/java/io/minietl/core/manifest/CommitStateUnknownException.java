package io.minietl.core.manifest;

/**
 * The outcome of a commit could not be learned before the caller's deadline: the manifest may or
 * may not be (or still become) that version. The caller must not clean up the files it uploaded for
 * the commit; it refreshes the dataset later and recognises its own commit by its {@link
 * Manifest#commitId() commit id}, or commits again. As Iceberg's {@code
 * CommitStateUnknownException}.
 */
public final class CommitStateUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommitStateUnknownException(String message) {
    super(message);
  }
}
