package io.minietl.core.manifest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.stats.FeatureStatsParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads and writes {@link Manifest}s as JSON (UTF-8), in the style of Iceberg's {@code
 * TableMetadataParser}: fixed key constants, one place that knows the format.
 *
 * <pre>{@code
 * {"format-version":2,"version":12,"parent-version":11,"snapshot-version":11,"snapshot":false,
 *  "committed-at":"2026-11-28T14:00:00Z","writer-id":"runner-7f3a",
 *  "commit-id":"5f0c1e9a-...","stream":{"arn":"arn:aws:kinesis:us-east-1:123456789012:stream/a",
 *    "creation-time":"2026-11-01T09:00:00Z"},
 *  "added-shards":[{"path":"data/dt=2026-11-28/part-7f3a-0012.arrow","rows":5000,"bytes":3145728,
 *    "checksum":"crc32c:1a2b3c4d","compression":"zstd",
 *    "min-ingestion-time":"2026-11-28T13:59:01Z","max-ingestion-time":"2026-11-28T13:59:58Z",
 *    "batch-rows":[2048,2048,904],"stats":{"word_count":{"count":5000,"sum":2100000,...}}}],
 *  "added-error-files":[{"path":"errors/dt=2026-11-28/part-7f3a-0012.jsonl.gz","records":2,
 *    "bytes":410,"checksum":"crc32c:0badf00d","reasons":{"not_json":2}}],
 *  "checkpoint":{"shardId-000000000000":{"sequence-number":"4959...","sub-sequence-number":3,
 *    "arrival-time":"2026-11-28T13:59:58Z","closed":false,"parent-shard-ids":[]}},
 *  "stats":{"word_count":{...}},"total-rows":60000,"total-bytes":37748736,"total-error-records":9}
 * }</pre>
 *
 * <p>A snapshot version also has {@code "shards"} and {@code "error-files"}: the full lists.
 *
 * <p>Format version 2 added {@code commit-id} (required), {@code stream} (optional) and, per shard
 * checkpoint, {@code sub-sequence-number} and {@code arrival-time} (optional). They are read only
 * from format 2 on, and written only in format 2: a format 1 manifest is written back exactly as
 * format 1 wrote it. These fields change how a checkpoint is resumed, which is why they are a new
 * format version and not optional keys that a format 1 reader would ignore.
 *
 * <p>Compatibility rules: the writer always writes {@link Manifest#CURRENT_FORMAT_VERSION}; a
 * reader rejects a higher {@code format-version} with {@link UnsupportedFormatVersionException},
 * ignores keys it does not know (so a newer minor writer may add optional keys), and reports a
 * missing required key as {@code Invalid manifest: missing 'key'}. Output is deterministic: keys in
 * a fixed order, maps sorted by key, so equal manifests give equal bytes. Thread-safe.
 */
public final class ManifestParser {
  public static final String FORMAT_VERSION = "format-version";
  public static final String VERSION = "version";
  public static final String PARENT_VERSION = "parent-version";
  public static final String SNAPSHOT_VERSION = "snapshot-version";
  public static final String SNAPSHOT = "snapshot";
  public static final String COMMITTED_AT = "committed-at";
  public static final String WRITER_ID = "writer-id";
  public static final String COMMIT_ID = "commit-id";
  public static final String STREAM = "stream";
  public static final String STREAM_ARN = "arn";
  public static final String STREAM_CREATION_TIME = "creation-time";
  public static final String ADDED_SHARDS = "added-shards";
  public static final String ADDED_ERROR_FILES = "added-error-files";
  public static final String SHARDS = "shards";
  public static final String ERROR_FILES = "error-files";
  public static final String CHECKPOINT = "checkpoint";
  public static final String STATS = "stats";
  public static final String TOTAL_ROWS = "total-rows";
  public static final String TOTAL_BYTES = "total-bytes";
  public static final String TOTAL_ERROR_RECORDS = "total-error-records";

  // Shard and error-file entries.
  public static final String PATH = "path";
  public static final String ROWS = "rows";
  public static final String BYTES = "bytes";
  public static final String CHECKSUM = "checksum";
  public static final String COMPRESSION = "compression";
  public static final String MIN_INGESTION_TIME = "min-ingestion-time";
  public static final String MAX_INGESTION_TIME = "max-ingestion-time";
  public static final String BATCH_ROWS = "batch-rows";
  public static final String RECORDS = "records";
  public static final String REASONS = "reasons";

  // Shard checkpoints.
  public static final String SEQUENCE_NUMBER = "sequence-number";
  public static final String SUB_SEQUENCE_NUMBER = "sub-sequence-number";
  public static final String ARRIVAL_TIME = "arrival-time";
  public static final String CLOSED = "closed";
  public static final String PARENT_SHARD_IDS = "parent-shard-ids";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ManifestParser() {}

  // ---------------------------------------------------------------- writing

  /** The JSON text of {@code manifest}. */
  public static String toJson(Manifest manifest) {
    return new String(toJsonBytes(manifest), StandardCharsets.UTF_8);
  }

  /** The UTF-8 JSON of {@code manifest}: the exact bytes to PUT. */
  public static byte[] toJsonBytes(Manifest manifest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
      toJson(manifest, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Writes {@code manifest} as the next value of {@code gen}. */
  public static void toJson(Manifest m, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    gen.writeNumberField(FORMAT_VERSION, m.formatVersion());
    gen.writeNumberField(VERSION, m.version());
    gen.writeNumberField(PARENT_VERSION, m.parentVersion());
    gen.writeNumberField(SNAPSHOT_VERSION, m.snapshotVersion());
    gen.writeBooleanField(SNAPSHOT, m.snapshot());
    gen.writeStringField(COMMITTED_AT, m.committedAt().toString());
    gen.writeStringField(WRITER_ID, m.writerId());
    if (m.commitId() != null) {
      gen.writeStringField(COMMIT_ID, m.commitId());
    }
    if (m.stream() != null) {
      gen.writeObjectFieldStart(STREAM);
      gen.writeStringField(STREAM_ARN, m.stream().arn());
      gen.writeStringField(STREAM_CREATION_TIME, m.stream().creationTime().toString());
      gen.writeEndObject();
    }
    writeShards(gen, ADDED_SHARDS, m.addedShards());
    writeErrorFiles(gen, ADDED_ERROR_FILES, m.addedErrorFiles());
    if (m.snapshot()) {
      writeShards(gen, SHARDS, m.shards());
      writeErrorFiles(gen, ERROR_FILES, m.errorFiles());
    }
    gen.writeObjectFieldStart(CHECKPOINT);
    for (Map.Entry<String, ShardCheckpoint> e : m.checkpoint().entrySet()) {
      ShardCheckpoint cp = e.getValue();
      gen.writeObjectFieldStart(e.getKey());
      if (cp.sequenceNumber() != null) {
        gen.writeStringField(SEQUENCE_NUMBER, cp.sequenceNumber());
      }
      if (cp.subSequenceNumber().isPresent()) {
        gen.writeNumberField(SUB_SEQUENCE_NUMBER, cp.subSequenceNumber().getAsLong());
      }
      if (cp.arrivalTime() != null) {
        gen.writeStringField(ARRIVAL_TIME, cp.arrivalTime().toString());
      }
      gen.writeBooleanField(CLOSED, cp.closed());
      gen.writeArrayFieldStart(PARENT_SHARD_IDS);
      for (String parent : cp.parentShardIds()) {
        gen.writeString(parent);
      }
      gen.writeEndArray();
      gen.writeEndObject();
    }
    gen.writeEndObject();
    writeStats(gen, m.stats());
    gen.writeNumberField(TOTAL_ROWS, m.totalRows());
    gen.writeNumberField(TOTAL_BYTES, m.totalBytes());
    gen.writeNumberField(TOTAL_ERROR_RECORDS, m.totalErrorRecords());
    gen.writeEndObject();
  }

  private static void writeShards(JsonGenerator gen, String key, List<ShardEntry> shards)
      throws IOException {
    gen.writeArrayFieldStart(key);
    for (ShardEntry s : shards) {
      gen.writeStartObject();
      gen.writeStringField(PATH, s.path());
      gen.writeNumberField(ROWS, s.rows());
      gen.writeNumberField(BYTES, s.bytes());
      gen.writeStringField(CHECKSUM, s.checksum());
      gen.writeStringField(COMPRESSION, s.compression());
      if (s.minIngestionTime() != null) {
        gen.writeStringField(MIN_INGESTION_TIME, s.minIngestionTime().toString());
      }
      if (s.maxIngestionTime() != null) {
        gen.writeStringField(MAX_INGESTION_TIME, s.maxIngestionTime().toString());
      }
      if (!s.batchRows().isEmpty()) {
        gen.writeArrayFieldStart(BATCH_ROWS);
        for (int r : s.batchRows()) {
          gen.writeNumber(r);
        }
        gen.writeEndArray();
      }
      writeStats(gen, s.stats());
      gen.writeEndObject();
    }
    gen.writeEndArray();
  }

  private static void writeErrorFiles(JsonGenerator gen, String key, List<ErrorFileEntry> files)
      throws IOException {
    gen.writeArrayFieldStart(key);
    for (ErrorFileEntry f : files) {
      gen.writeStartObject();
      gen.writeStringField(PATH, f.path());
      gen.writeNumberField(RECORDS, f.records());
      gen.writeNumberField(BYTES, f.bytes());
      gen.writeStringField(CHECKSUM, f.checksum());
      gen.writeObjectFieldStart(REASONS);
      for (Map.Entry<String, Long> e : f.countsByReason().entrySet()) {
        gen.writeNumberField(e.getKey(), e.getValue());
      }
      gen.writeEndObject();
      gen.writeEndObject();
    }
    gen.writeEndArray();
  }

  private static void writeStats(JsonGenerator gen, Map<String, FeatureStats> stats)
      throws IOException {
    gen.writeObjectFieldStart(STATS);
    for (Map.Entry<String, FeatureStats> e : stats.entrySet()) {
      gen.writeFieldName(e.getKey());
      FeatureStatsParser.toJson(e.getValue(), gen);
    }
    gen.writeEndObject();
  }

  // ---------------------------------------------------------------- reading

  /**
   * Parses a manifest.
   *
   * @throws UnsupportedFormatVersionException if its format version is newer than this reader
   * @throws InvalidManifestException if it is not valid JSON, misses a required key, or breaks an
   *     invariant of {@link Manifest}
   */
  public static Manifest fromJson(String json) {
    try {
      return fromJson(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new InvalidManifestException("Invalid manifest: not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a manifest from UTF-8 bytes; see {@link #fromJson(String)}. */
  public static Manifest fromJson(byte[] json) {
    try {
      return fromJson(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new InvalidManifestException("Invalid manifest: not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a manifest from a stream (not closed); see {@link #fromJson(String)}. */
  public static Manifest fromJson(InputStream json) {
    try {
      return fromJson(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new InvalidManifestException("Invalid manifest: not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a manifest from a JSON tree; see {@link #fromJson(String)}. */
  public static Manifest fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new InvalidManifestException("Invalid manifest: not a JSON object");
    }
    JsonNode fv = node.get(FORMAT_VERSION);
    if (fv == null || fv.isNull()) {
      throw missing(FORMAT_VERSION, "");
    }
    if (!fv.isIntegralNumber() || !fv.canConvertToInt() || fv.intValue() < 1) {
      throw new InvalidManifestException(
          "Invalid manifest: '" + FORMAT_VERSION + "' must be a positive integer, got " + fv);
    }
    int formatVersion = fv.intValue();
    if (formatVersion > Manifest.CURRENT_FORMAT_VERSION) {
      throw new UnsupportedFormatVersionException(formatVersion);
    }
    long version = longField(node, VERSION, "");
    JsonNode parent = node.get(PARENT_VERSION);
    if (parent != null && !parent.isNull() && parent.asLong(-1) != version - 1) {
      throw new InvalidManifestException(
          "Invalid manifest v"
              + version
              + ": '"
              + PARENT_VERSION
              + "' is "
              + parent
              + ", expected "
              + (version - 1));
    }
    long snapshotVersion = longField(node, SNAPSHOT_VERSION, "");
    JsonNode snapshot = node.get(SNAPSHOT);
    if (snapshot != null
        && snapshot.isBoolean()
        && snapshot.booleanValue() != (snapshotVersion == version)) {
      throw new InvalidManifestException(
          "Invalid manifest v"
              + version
              + ": '"
              + SNAPSHOT
              + "' is "
              + snapshot
              + " but '"
              + SNAPSHOT_VERSION
              + "' is "
              + snapshotVersion);
    }
    try {
      Manifest.Builder b =
          Manifest.builder()
              .formatVersion(formatVersion)
              .version(version)
              .snapshotVersion(snapshotVersion)
              .committedAt(instantField(node, COMMITTED_AT, ""))
              .writerId(textField(node, WRITER_ID, ""))
              .commitId(formatVersion >= 2 ? textField(node, COMMIT_ID, "") : null)
              .stream(formatVersion >= 2 ? stream(node.get(STREAM)) : null)
              .addedShards(list(node, ADDED_SHARDS, true, ManifestParser::shardEntry))
              .addedErrorFiles(list(node, ADDED_ERROR_FILES, true, ManifestParser::errorFileEntry))
              .checkpoint(checkpoint(required(node, CHECKPOINT, ""), formatVersion))
              .stats(stats(required(node, STATS, ""), STATS))
              .totalRows(longField(node, TOTAL_ROWS, ""))
              .totalBytes(longField(node, TOTAL_BYTES, ""))
              .totalErrorRecords(longField(node, TOTAL_ERROR_RECORDS, ""));
      // Required in a snapshot; in a delta, present means a broken writer (the builder rejects it).
      boolean snapshotList = snapshotVersion == version;
      b.shards(list(node, SHARDS, snapshotList, ManifestParser::shardEntry));
      b.errorFiles(list(node, ERROR_FILES, snapshotList, ManifestParser::errorFileEntry));
      return b.build();
    } catch (InvalidManifestException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidManifestException("Invalid manifest v" + version + ": " + e.getMessage(), e);
    }
  }

  private static <T> List<T> list(
      JsonNode node, String key, boolean required, BiFunction<JsonNode, String, T> element) {
    JsonNode array = node.get(key);
    if (array == null || array.isNull()) {
      if (required) {
        throw missing(key, "");
      }
      return List.of();
    }
    if (!array.isArray()) {
      throw new InvalidManifestException("Invalid manifest: '" + key + "' must be an array");
    }
    List<T> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(element.apply(array.get(i), key + "[" + i + "]"));
    }
    return out;
  }

  private static ShardEntry shardEntry(JsonNode node, String where) {
    requireObject(node, where);
    try {
      return ShardEntry.builder()
          .path(textField(node, PATH, where))
          .rows(longField(node, ROWS, where))
          .bytes(longField(node, BYTES, where))
          .checksum(textField(node, CHECKSUM, where))
          .compression(textField(node, COMPRESSION, where))
          .minIngestionTime(optionalInstant(node, MIN_INGESTION_TIME, where))
          .maxIngestionTime(optionalInstant(node, MAX_INGESTION_TIME, where))
          .batchRows(batchRows(node, where))
          .stats(node.has(STATS) ? stats(node.get(STATS), where + "." + STATS) : Map.of())
          .build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw wrap(e, where);
    }
  }

  /** The optional {@code batch-rows} of a shard entry; empty if absent (older manifests). */
  private static List<Integer> batchRows(JsonNode node, String where) {
    JsonNode array = node.get(BATCH_ROWS);
    if (array == null || array.isNull()) {
      return List.of();
    }
    String at = where + "." + BATCH_ROWS;
    if (!array.isArray()) {
      throw new InvalidManifestException("Invalid manifest: '" + at + "' must be an array");
    }
    List<Integer> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      long rows = asLong(array.get(i), at + "[" + i + "]");
      if (rows < 0 || rows > Integer.MAX_VALUE) {
        throw new InvalidManifestException(
            "Invalid manifest: '" + at + "[" + i + "]' must be a row count, got " + rows);
      }
      out.add((int) rows);
    }
    return out;
  }

  private static ErrorFileEntry errorFileEntry(JsonNode node, String where) {
    requireObject(node, where);
    Map<String, Long> reasons = new LinkedHashMap<>();
    JsonNode r = node.get(REASONS);
    if (r != null && !r.isNull()) {
      requireObject(r, where + "." + REASONS);
      for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        reasons.put(e.getKey(), asLong(e.getValue(), where + "." + REASONS + "." + e.getKey()));
      }
    }
    try {
      return ErrorFileEntry.builder()
          .path(textField(node, PATH, where))
          .records(longField(node, RECORDS, where))
          .bytes(longField(node, BYTES, where))
          .checksum(textField(node, CHECKSUM, where))
          .countsByReason(reasons)
          .build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw wrap(e, where);
    }
  }

  private static StreamIdentity stream(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    requireObject(node, STREAM);
    try {
      return StreamIdentity.of(
          textField(node, STREAM_ARN, STREAM), instantField(node, STREAM_CREATION_TIME, STREAM));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw wrap(e, STREAM);
    }
  }

  private static Map<String, ShardCheckpoint> checkpoint(JsonNode node, int formatVersion) {
    requireObject(node, CHECKPOINT);
    Map<String, ShardCheckpoint> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String where = CHECKPOINT + "." + e.getKey();
      JsonNode cp = e.getValue();
      requireObject(cp, where);
      JsonNode closed = cp.get(CLOSED);
      if (closed == null || !closed.isBoolean()) {
        throw missing(CLOSED, where);
      }
      JsonNode seq = cp.get(SEQUENCE_NUMBER);
      List<String> parents = new ArrayList<>();
      JsonNode ps = cp.get(PARENT_SHARD_IDS);
      if (ps != null && ps.isArray()) {
        ps.forEach(p -> parents.add(p.asText()));
      }
      try {
        ShardCheckpoint shard =
            ShardCheckpoint.of(
                seq == null || seq.isNull() ? null : seq.asText(), closed.booleanValue(), parents);
        if (formatVersion >= 2) {
          JsonNode sub = cp.get(SUB_SEQUENCE_NUMBER);
          if (sub != null && !sub.isNull()) {
            shard = shard.withSubSequenceNumber(asLong(sub, where + "." + SUB_SEQUENCE_NUMBER));
          }
          shard = shard.withArrivalTime(optionalInstant(cp, ARRIVAL_TIME, where));
        }
        out.put(e.getKey(), shard);
      } catch (IllegalArgumentException | NullPointerException ex) {
        throw wrap(ex, where);
      }
    }
    return out;
  }

  private static Map<String, FeatureStats> stats(JsonNode node, String where) {
    requireObject(node, where);
    Map<String, FeatureStats> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      try {
        out.put(e.getKey(), FeatureStatsParser.fromJson(e.getValue()));
      } catch (IllegalArgumentException ex) {
        throw wrap(ex, where + "." + e.getKey());
      }
    }
    return out;
  }

  private static JsonNode required(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw missing(key, where);
    }
    return value;
  }

  private static long longField(JsonNode node, String key, String where) {
    return asLong(required(node, key, where), where.isEmpty() ? key : where + "." + key);
  }

  private static long asLong(JsonNode value, String where) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidManifestException(
          "Invalid manifest: '" + where + "' must be a 64-bit integer, got " + value);
    }
    return value.longValue();
  }

  private static String textField(JsonNode node, String key, String where) {
    JsonNode value = required(node, key, where);
    if (!value.isTextual()) {
      throw new InvalidManifestException(
          "Invalid manifest: '"
              + (where.isEmpty() ? key : where + "." + key)
              + "' must be a string, got "
              + value);
    }
    return value.textValue();
  }

  private static Instant instantField(JsonNode node, String key, String where) {
    return parseInstant(textField(node, key, where), where.isEmpty() ? key : where + "." + key);
  }

  private static Instant optionalInstant(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : instantField(node, key, where);
  }

  private static Instant parseInstant(String text, String where) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidManifestException(
          "Invalid manifest: '" + where + "' is not an ISO-8601 instant: " + text, e);
    }
  }

  private static void requireObject(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new InvalidManifestException(
          "Invalid manifest: '" + where + "' must be a JSON object, got " + node);
    }
  }

  private static InvalidManifestException missing(String key, String where) {
    return new InvalidManifestException(
        "Invalid manifest: missing '" + key + "'" + (where.isEmpty() ? "" : " in " + where));
  }

  private static RuntimeException wrap(RuntimeException e, String where) {
    if (e instanceof InvalidManifestException) {
      return e;
    }
    return new InvalidManifestException("Invalid manifest: " + where + ": " + e.getMessage(), e);
  }
}
