package io.minietl.reader;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A deterministic train/validation split by a stable hash of {@code article_id}. A row belongs to
 * {@link #TRAIN} at fraction f when {@code bucket(article_id) < f}, else to {@link #VALIDATION}; so
 * {@code split(TRAIN, f)} and {@code split(VALIDATION, f)} partition the dataset, and a row stays
 * on its side as the dataset grows.
 *
 * <p>{@link #bucket}: the first 8 bytes of SHA-256 of the UTF-8 id as an unsigned big-endian
 * integer, its top 53 bits divided by 2^53. The same in Python:
 *
 * <pre>{@code
 * import hashlib
 * bucket = lambda aid: (int.from_bytes(hashlib.sha256(aid.encode()).digest()[:8], "big") >> 11) / 2**53
 * }</pre>
 */
public enum Split {
  TRAIN,
  VALIDATION;

  /** The row's position in [0, 1), stable across JVMs, versions and languages (see above). */
  public static double bucket(String articleId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash: SHA-256 is missing from this JVM", e);
    }
    byte[] d = sha.digest(articleId.getBytes(StandardCharsets.UTF_8));
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return (h >>> 11) * 0x1.0p-53;
  }

  /** Whether a row with this id is on this side of a split at {@code trainFraction}. */
  boolean contains(String articleId, double trainFraction) {
    boolean train = bucket(articleId) < trainFraction;
    return this == TRAIN ? train : !train;
  }
}
