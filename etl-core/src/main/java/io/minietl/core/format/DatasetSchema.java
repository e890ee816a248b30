package io.minietl.core.format;

import io.minietl.core.feature.Feature;
import io.minietl.core.feature.FeatureRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a dataset shard: the input fields, one column per registered feature, and the
 * provenance columns, in that order.
 *
 * <table>
 *   <caption>Columns</caption>
 *   <tr><th>column</th><th>Arrow type</th><th>nullable</th></tr>
 *   <tr><td>{@code article_id}</td><td>utf8</td><td>no</td></tr>
 *   <tr><td>{@code title}, {@code author}</td><td>utf8</td><td>yes</td></tr>
 *   <tr><td>{@code publish_date}</td><td>timestamp[us, UTC]</td><td>yes</td></tr>
 *   <tr><td>{@code content}</td><td>utf8</td><td>no (may be empty)</td></tr>
 *   <tr><td>{@code summary}</td><td>utf8</td><td>yes</td></tr>
 *   <tr><td>{@code extra_fields}</td><td>utf8 (one JSON object)</td><td>yes</td></tr>
 *   <tr><td>each feature, registry order</td><td>int32 or int64</td><td>no</td></tr>
 *   <tr><td>{@code kinesis_shard_id}, {@code kinesis_sequence_number},
 *       {@code kinesis_partition_key}</td><td>utf8</td><td>no</td></tr>
 *   <tr><td>{@code approximate_arrival_time}, {@code ingestion_time}</td>
 *       <td>timestamp[us, UTC]</td><td>no</td></tr>
 *   <tr><td>{@code kinesis_sub_sequence_number} (since version 2)</td><td>int64</td>
 *       <td>yes: null for a record that was not KPL-aggregated</td></tr>
 * </table>
 *
 * <p>A row is identified by shard id, sequence number and sub-sequence number: the user records of
 * one KPL-aggregated Kinesis record share its sequence number and have sub-sequence numbers 0, 1,
 * ...; a record that was not aggregated has none. (A sequence number is either aggregated or not,
 * so {@code coalesce(kinesis_sub_sequence_number, 0)} is a non-null key as unique.) Version 1
 * shards have no such column: read it as null.
 *
 * <p>Strings are {@code utf8} (32-bit offsets), not {@code large_utf8}: the writer bounds a record
 * batch by bytes (a few MiB), far below the 2 GiB a 32-bit offset addresses, and {@code utf8} is
 * what every reader (pyarrow, Polars, Hugging Face datasets) maps to a plain string column.
 * Timestamps are microseconds since the epoch, UTC; sub-microsecond precision is truncated.
 *
 * <p>The schema metadata holds {@value #VERSION_KEY} (currently {@value #CURRENT_VERSION}) and
 * {@value #FEATURES_KEY}, the feature column names joined by commas. A reader rejects a version it
 * does not know.
 *
 * <p>Immutable and thread-safe.
 */
public final class DatasetSchema {
  /** Schema metadata key of the format version. */
  public static final String VERSION_KEY = "minietl.schema.version";

  /** Schema metadata key of the comma-separated feature column names. */
  public static final String FEATURES_KEY = "minietl.features";

  /** The schema version this code writes, and the newest it reads. */
  public static final int CURRENT_VERSION = 2;

  public static final String ARTICLE_ID = "article_id";
  public static final String TITLE = "title";
  public static final String AUTHOR = "author";
  public static final String PUBLISH_DATE = "publish_date";
  public static final String CONTENT = "content";
  public static final String SUMMARY = "summary";
  public static final String EXTRA_FIELDS = "extra_fields";
  public static final String KINESIS_SHARD_ID = "kinesis_shard_id";
  public static final String KINESIS_SEQUENCE_NUMBER = "kinesis_sequence_number";
  public static final String KINESIS_PARTITION_KEY = "kinesis_partition_key";
  public static final String APPROXIMATE_ARRIVAL_TIME = "approximate_arrival_time";
  public static final String INGESTION_TIME = "ingestion_time";
  public static final String KINESIS_SUB_SEQUENCE_NUMBER = "kinesis_sub_sequence_number";

  /** The input columns, in schema order. */
  public static final List<String> INPUT_COLUMNS =
      List.of(ARTICLE_ID, TITLE, AUTHOR, PUBLISH_DATE, CONTENT, SUMMARY, EXTRA_FIELDS);

  /** The provenance columns, in schema order. */
  public static final List<String> PROVENANCE_COLUMNS =
      List.of(
          KINESIS_SHARD_ID,
          KINESIS_SEQUENCE_NUMBER,
          KINESIS_PARTITION_KEY,
          APPROXIMATE_ARRIVAL_TIME,
          INGESTION_TIME,
          KINESIS_SUB_SEQUENCE_NUMBER);

  static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;
  static final ArrowType INT64 = new ArrowType.Int(64, true);
  static final ArrowType TIMESTAMP = new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
  private static final Pattern FEATURE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Set<String> RESERVED;

  static {
    List<String> reserved = new ArrayList<>(INPUT_COLUMNS);
    reserved.addAll(PROVENANCE_COLUMNS);
    RESERVED = Set.copyOf(reserved);
  }

  private final Schema arrowSchema;
  private final List<String> featureNames;
  private final int version;

  private DatasetSchema(Schema arrowSchema, List<String> featureNames, int version) {
    this.arrowSchema = arrowSchema;
    this.featureNames = List.copyOf(featureNames);
    this.version = version;
  }

  /**
   * The schema of shards holding the features of {@code registry}.
   *
   * @throws IllegalArgumentException if a feature is named like an input or provenance column
   */
  public static DatasetSchema of(FeatureRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    List<Field> fields = new ArrayList<>();
    fields.add(field(ARTICLE_ID, UTF8, false));
    fields.add(field(TITLE, UTF8, true));
    fields.add(field(AUTHOR, UTF8, true));
    fields.add(field(PUBLISH_DATE, TIMESTAMP, true));
    fields.add(field(CONTENT, UTF8, false));
    fields.add(field(SUMMARY, UTF8, true));
    fields.add(field(EXTRA_FIELDS, UTF8, true));
    List<String> names = new ArrayList<>();
    for (Feature feature : registry.features()) {
      if (RESERVED.contains(feature.name())) {
        throw new IllegalArgumentException(
            "Invalid feature name '"
                + feature.name()
                + "': it is an input or provenance column of the dataset; rename the feature");
      }
      fields.add(field(feature.name(), feature.type().arrowType(), false));
      names.add(feature.name());
    }
    fields.add(field(KINESIS_SHARD_ID, UTF8, false));
    fields.add(field(KINESIS_SEQUENCE_NUMBER, UTF8, false));
    fields.add(field(KINESIS_PARTITION_KEY, UTF8, false));
    fields.add(field(APPROXIMATE_ARRIVAL_TIME, TIMESTAMP, false));
    fields.add(field(INGESTION_TIME, TIMESTAMP, false));
    fields.add(field(KINESIS_SUB_SEQUENCE_NUMBER, INT64, true));
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(VERSION_KEY, Integer.toString(CURRENT_VERSION));
    metadata.put(FEATURES_KEY, String.join(",", names));
    return new DatasetSchema(new Schema(fields, metadata), names, CURRENT_VERSION);
  }

  /**
   * Reads the dataset schema of a shard from its Arrow schema, checking its version.
   *
   * @throws IllegalArgumentException if the metadata lacks a version or feature list, names a
   *     version newer than {@value #CURRENT_VERSION} (written by a newer Mini ETL: upgrade the
   *     reader), or lists a feature the schema has no integer column for
   */
  public static DatasetSchema fromArrow(Schema schema) {
    Objects.requireNonNull(schema, "schema");
    Map<String, String> metadata =
        schema.getCustomMetadata() == null ? Map.of() : schema.getCustomMetadata();
    String versionText = metadata.get(VERSION_KEY);
    if (versionText == null) {
      throw new IllegalArgumentException(
          "Invalid shard: the schema metadata has no '"
              + VERSION_KEY
              + "' (not a Mini ETL shard?)");
    }
    int version;
    try {
      version = Integer.parseInt(versionText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid shard schema version '" + versionText + "': not an integer", e);
    }
    if (version > CURRENT_VERSION) {
      throw new IllegalArgumentException(
          "Cannot read shard schema version "
              + version
              + ": this Mini ETL reads versions up to "
              + CURRENT_VERSION
              + "; upgrade the reader");
    }
    if (version < 1) {
      throw new IllegalArgumentException("Invalid shard schema version " + version);
    }
    String featureText = metadata.get(FEATURES_KEY);
    if (featureText == null) {
      throw new IllegalArgumentException(
          "Invalid shard: the schema metadata has no '" + FEATURES_KEY + "'");
    }
    List<String> names = new ArrayList<>();
    for (String name : featureText.split(",", -1)) {
      if (name.isEmpty() && featureText.isEmpty()) {
        break;
      }
      if (!FEATURE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Invalid shard: feature name '" + name + "' in '" + FEATURES_KEY + "'");
      }
      Field field = findField(schema, name);
      if (field == null || !(field.getType() instanceof ArrowType.Int)) {
        throw new IllegalArgumentException(
            "Invalid shard: feature '" + name + "' has no integer column in the schema");
      }
      names.add(name);
    }
    return new DatasetSchema(schema, names, version);
  }

  /** The Arrow schema, with its metadata. */
  public Schema arrowSchema() {
    return arrowSchema;
  }

  /** The feature column names, in column order. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** All column names, in column order. */
  public List<String> columnNames() {
    List<String> names = new ArrayList<>(arrowSchema.getFields().size());
    for (Field f : arrowSchema.getFields()) {
      names.add(f.getName());
    }
    return Collections.unmodifiableList(names);
  }

  /** The format version from the schema metadata. */
  public int version() {
    return version;
  }

  /** Whether {@code name} is an input or provenance column (a feature cannot take it). */
  public static boolean isReservedColumnName(String name) {
    return RESERVED.contains(name);
  }

  static Field findField(Schema schema, String name) {
    for (Field f : schema.getFields()) {
      if (f.getName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static Field field(String name, ArrowType type, boolean nullable) {
    return new Field(name, new FieldType(nullable, type, null), null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DatasetSchema && arrowSchema.equals(((DatasetSchema) o).arrowSchema);
  }

  @Override
  public int hashCode() {
    return arrowSchema.hashCode();
  }

  @Override
  public String toString() {
    return "DatasetSchema{version=" + version + ", columns=" + columnNames() + "}";
  }
}
