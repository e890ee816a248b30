package io.minietl.core.manifest;

import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Checksums as the manifest writes them: {@code <algorithm>:<lower-case hex>}, e.g. {@code
 * crc32c:1a2b3c4d}. CRC32C (Castagnoli, hardware-accelerated in the JDK, the checksum S3 itself
 * offers) is the one this version computes; readers that meet another algorithm may skip the check.
 */
public final class Checksums {
  /** The prefix of a CRC32C checksum. */
  public static final String CRC32C = "crc32c";

  private static final Pattern FORMAT = Pattern.compile("[a-z0-9]+:[0-9a-f]+");

  private Checksums() {}

  /** The checksum string of a CRC32C value: {@code crc32c:} and 8 hex digits. */
  public static String crc32c(long crcValue) {
    return String.format("%s:%08x", CRC32C, crcValue & 0xFFFFFFFFL);
  }

  /** The CRC32C checksum string of {@code bytes}. */
  public static String crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return crc32c(crc.getValue());
  }

  /** Whether {@code checksum} has the {@code algorithm:hex} form. */
  public static boolean isValid(String checksum) {
    return checksum != null && FORMAT.matcher(checksum).matches();
  }

  static String require(String checksum, String what) {
    if (!isValid(checksum)) {
      throw new IllegalArgumentException(
          "Invalid checksum of "
              + what
              + ": '"
              + checksum
              + "' (expected algorithm:hex, e.g. crc32c:1a2b3c4d)");
    }
    return checksum;
  }
}
