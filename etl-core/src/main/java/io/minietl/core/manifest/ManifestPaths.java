package io.minietl.core.manifest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys of a dataset, relative to its root ({@code s3://BUCKET/PREFIX/}):
 *
 * <pre>
 * data/dt=YYYY-MM-DD/part-&lt;id&gt;.arrow         Arrow IPC shards
 * errors/dt=YYYY-MM-DD/part-&lt;id&gt;.jsonl.gz     rejected records
 * _manifest/v00000000000000000001.json        manifest version 1 (20 digits: LIST order = version order)
 * </pre>
 *
 * <p>The part id is chosen by the writer and must be unique in the dataset (e.g. the writer id and
 * a UUID); it may contain letters, digits, {@code .}, {@code _} and {@code -}.
 */
public final class ManifestPaths {
  /** The folder of manifests, relative to the dataset root, with its trailing slash. */
  public static final String MANIFEST_DIR = "_manifest/";

  public static final String DATA_DIR = "data/";
  public static final String ERRORS_DIR = "errors/";

  private static final Pattern MANIFEST_NAME = Pattern.compile("v([0-9]{20})\\.json");
  private static final Pattern PART_ID = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern DATED =
      Pattern.compile("(?:data|errors)/dt=([0-9]{4}-[0-9]{2}-[0-9]{2})/part-[^/]+");

  private ManifestPaths() {}

  /**
   * The key of manifest {@code version}: {@code _manifest/v} + 20-digit version + {@code .json}.
   */
  public static String manifestKey(long version) {
    if (version < 1) {
      throw new IllegalArgumentException(
          "Invalid manifest version: " + version + " (must be >= 1)");
    }
    return String.format("%sv%020d.json", MANIFEST_DIR, version);
  }

  /**
   * The version of a manifest key, with or without a prefix before {@code _manifest/} (as S3 LIST
   * returns keys), or empty if {@code key} is not a manifest key (other objects may share the
   * folder, e.g. temporary files of other tools).
   */
  public static OptionalLong parseManifestVersion(String key) {
    Objects.requireNonNull(key, "key");
    int slash = key.lastIndexOf('/');
    String dir = key.substring(0, slash + 1);
    if (!(dir.equals(MANIFEST_DIR) || dir.endsWith("/" + MANIFEST_DIR))) {
      return OptionalLong.empty();
    }
    Matcher m = MANIFEST_NAME.matcher(key.substring(slash + 1));
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    long version;
    try {
      version = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
    return version >= 1 ? OptionalLong.of(version) : OptionalLong.empty();
  }

  /** {@code data/dt=<date>/part-<partId>.arrow} */
  public static String dataShardKey(LocalDate date, String partId) {
    return DATA_DIR + "dt=" + date + "/part-" + requirePartId(partId) + ".arrow";
  }

  /** {@code errors/dt=<date>/part-<partId>.jsonl.gz} */
  public static String errorFileKey(LocalDate date, String partId) {
    return ERRORS_DIR + "dt=" + date + "/part-" + requirePartId(partId) + ".jsonl.gz";
  }

  /**
   * The {@code dt=} date partition of a data or error key.
   *
   * @throws IllegalArgumentException if the key is not in the data or errors layout
   */
  public static LocalDate datePartition(String key) {
    Matcher m = DATED.matcher(key);
    if (m.matches()) {
      try {
        return LocalDate.parse(m.group(1));
      } catch (DateTimeParseException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException(
        "Invalid dataset key: '"
            + key
            + "' (expected data/dt=YYYY-MM-DD/part-….arrow or errors/dt=YYYY-MM-DD/part-….jsonl.gz)");
  }

  /** {@code root} joined with a key relative to it, with exactly one slash between them. */
  public static String resolve(String root, String relativeKey) {
    if (root.isEmpty()) {
      return relativeKey;
    }
    return root.endsWith("/") ? root + relativeKey : root + "/" + relativeKey;
  }

  private static String requirePartId(String partId) {
    if (partId == null || !PART_ID.matcher(partId).matches()) {
      throw new IllegalArgumentException(
          "Invalid part id: '" + partId + "' (use letters, digits, '.', '_' and '-')");
    }
    return partId;
  }
}
