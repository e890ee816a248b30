package io.minietl.core.manifest;

/**
 * A manifest written in a format version newer than this reader supports. The dataset is fine;
 * upgrade mini-etl to read it.
 */
public final class UnsupportedFormatVersionException extends InvalidManifestException {
  private static final long serialVersionUID = 1L;

  private final int formatVersion;

  public UnsupportedFormatVersionException(int formatVersion) {
    super(
        "Cannot read manifest format version "
            + formatVersion
            + ": this reader supports up to "
            + Manifest.CURRENT_FORMAT_VERSION
            + "; upgrade mini-etl");
    this.formatVersion = formatVersion;
  }

  /** The format version found in the manifest. */
  public int formatVersion() {
    return formatVersion;
  }
}
