package io.minietl.flink;

import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordWriter;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.format.ShardSummary;
import io.minietl.core.format.ShardWriter;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.metrics.MetricNames;
import io.minietl.core.record.InvalidReason;
import io.minietl.core.record.ParseResult;
import io.minietl.core.record.Provenance;
import io.minietl.core.record.RecordParser;
import io.minietl.core.storage.ObjectStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The writer of one sink subtask: parses and enriches each record with etl-core exactly as the
 * runner does, appends valid ones to an Arrow shard ({@link ShardWriter}, staged in a local temp
 * file) and malformed ones to an error file, and at each checkpoint barrier ({@link
 * #prepareCommit()}) closes both, uploads them under fresh keys and hands on a {@link
 * DatasetCommittable} with their entries and the Kinesis positions they cover. A shard reaching the
 * target size or row count rolls earlier; it is uploaded at the barrier with the rest.
 *
 * <p>It keeps no state of its own: after a failure the source re-reads from the positions of the
 * last checkpoint and what was staged since is rebuilt.
 */
final class DatasetWriter implements CommittingSinkWriter<KinesisElement, DatasetCommittable> {
  private final FlinkJobOptions options;
  private final JobConnections.Opened connections;
  private final ObjectStore store;
  private final RecordParser parser;
  private final MetricGroup metrics;
  private final Counter recordsRead;
  private final Counter rowsWritten;
  private final Map<String, Counter> errorsByReason = new HashMap<>();
  private final FeatureRegistry features = FeatureRegistry.defaults();
  private final Path stagingDir;
  private final String partPrefix;
  private final Clock clock;
  private final List<Sealed> sealed = new ArrayList<>();
  private final Map<String, String> lastSequenceByShard = new LinkedHashMap<>();
  private final Map<String, Long> lastSubSequenceByShard = new HashMap<>();
  private final Set<String> endedShards = new LinkedHashSet<>();
  private OpenShard shard;
  private Path errorFile;
  private ErrorRecordWriter errors;
  private long parts;

  /** A sealed Arrow shard file waiting for the barrier. */
  private record Sealed(Path file, ShardEntry.Builder entry) {}

  /** The Arrow shard being written. */
  private final class OpenShard {
    final Path file;
    final ShardWriter writer;
    Instant minIngestion;
    Instant maxIngestion;

    OpenShard() throws IOException {
      file = Files.createTempFile(stagingDir, "minietl-shard-", ".arrow");
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      writer =
          ShardWriter.builder()
              .output(out)
              .features(features)
              .compression(options.compression())
              .rowsPerBatch(options.rowsPerBatch())
              .build();
    }

    void add(ParseResult result, Provenance provenance) {
      writer.append(result.article(), provenance, features.computeAll(result.article()));
      Instant t = provenance.ingestionTime();
      minIngestion = minIngestion == null || t.isBefore(minIngestion) ? t : minIngestion;
      maxIngestion = maxIngestion == null || t.isAfter(maxIngestion) ? t : maxIngestion;
    }

    boolean isFull() {
      return writer.rows() >= options.maxShardRows()
          || writer.estimatedBytes() >= options.targetShardBytes();
    }

    Sealed seal() {
      ShardSummary summary = writer.finish();
      return new Sealed(
          file,
          ShardEntry.builder()
              .summary(summary)
              .compression(options.compression().name().toLowerCase(Locale.ROOT))
              .minIngestionTime(minIngestion)
              .maxIngestionTime(maxIngestion));
    }
  }

  DatasetWriter(
      FlinkJobOptions options,
      JobConnections.Opened connections,
      int subtask,
      Clock clock,
      MetricGroup metrics)
      throws IOException {
    // The runner's names (MetricNames), in Flink's metric system: a reporter adds the scope.
    this.metrics = metrics;
    this.recordsRead = metrics.counter(MetricNames.RECORDS_READ);
    this.rowsWritten = metrics.counter(MetricNames.ROWS_WRITTEN);
    this.options = options;
    this.connections = connections;
    this.store = connections.store();
    this.clock = clock;
    this.parser =
        RecordParser.builder()
            .maxRecordBytes(options.maxRecordBytes())
            .maxNestingDepth(options.maxNestingDepth())
            .build();
    Path temp =
        Path.of(
            options.tempDir() != null ? options.tempDir() : System.getProperty("java.io.tmpdir"));
    Files.createDirectories(temp);
    this.stagingDir = Files.createTempDirectory(temp, "minietl-flink-staging-");
    // Unique keys without coordination: the writer id, the subtask and a random part per writer
    // instance (a restarted task gets a new one), then a counter.
    this.partPrefix =
        shortWriterId(options.writerId())
            + "-s"
            + subtask
            + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  }

  @Override
  public void write(KinesisElement e, Context context) throws IOException {
    if (e.shardEnd) {
      endedShards.add(e.shardId);
      return;
    }
    Instant now = clock.instant();
    recordsRead.inc();
    ParseResult result =
        e.aggregateError != null
            ? ParseResult.invalid(InvalidReason.KPL_CORRUPT, e.aggregateError)
            : parser.parse(e.data);
    if (result.isValid()) {
      rowsWritten.inc();
      if (shard == null) {
        shard = new OpenShard();
      }
      shard.add(
          result,
          Provenance.of(
              e.shardId, e.sequenceNumber, e.partitionKey, e.arrival(), now, e.subSequenceNumber));
      if (shard.isFull()) {
        sealed.add(shard.seal());
        shard = null;
      }
    } else {
      if (errors == null) {
        errorFile = Files.createTempFile(stagingDir, "minietl-errors-", ".jsonl.gz");
        errors =
            ErrorRecordWriter.gzip(
                new BufferedOutputStream(Files.newOutputStream(errorFile), 1 << 16));
      }
      errorCounter(result.reason().code()).inc();
      errors.write(
          ErrorRecord.builder()
              .reason(result.reason())
              .message(result.message())
              .shardId(e.shardId)
              .sequenceNumber(e.sequenceNumber)
              .partitionKey(e.partitionKey)
              .approximateArrivalTime(e.arrival())
              .subSequenceNumber(e.subSequenceNumber)
              .raw(e.data)
              .build());
    }
    lastSequenceByShard.put(e.shardId, e.sequenceNumber);
    if (e.subSequenceNumber == null) {
      lastSubSequenceByShard.remove(e.shardId);
    } else {
      lastSubSequenceByShard.put(e.shardId, e.subSequenceNumber);
    }
  }

  @Override
  public void flush(boolean endOfInput) {
    // Everything is uploaded in prepareCommit, which follows.
  }

  @Override
  public Collection<DatasetCommittable> prepareCommit() throws IOException {
    if (shard != null) {
      sealed.add(shard.seal());
      shard = null;
    }
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<ShardEntry> shards = new ArrayList<>();
    for (Sealed s : sealed) {
      String key = ManifestPaths.dataShardKey(day, nextPartId(now));
      store.put(key, s.file());
      shards.add(s.entry().path(key).build());
      Files.deleteIfExists(s.file());
    }
    sealed.clear();
    List<ErrorFileEntry> errorFiles = new ArrayList<>();
    if (errors != null) {
      errors.close();
      String key = ManifestPaths.errorFileKey(day, nextPartId(now));
      store.put(key, errorFile);
      errorFiles.add(
          ErrorFileEntry.builder()
              .path(key)
              .records(errors.records())
              .bytes(errors.bytes())
              .checksum(errors.checksum())
              .countsByReason(errors.countsByReason())
              .build());
      Files.deleteIfExists(errorFile);
      errors = null;
      errorFile = null;
    }
    Map<String, ShardCheckpoint> positions = new LinkedHashMap<>();
    lastSequenceByShard.forEach(
        (id, seq) ->
            positions.put(
                id,
                // Inside a KPL aggregate: committed up to and including that user record.
                lastSubSequenceByShard.containsKey(id)
                    ? ShardCheckpoint.at(seq, lastSubSequenceByShard.get(id))
                    : ShardCheckpoint.at(seq)));
    for (String id : endedShards) {
      positions.put(id, ShardCheckpoint.closed(lastSequenceByShard.get(id)));
    }
    lastSequenceByShard.clear();
    lastSubSequenceByShard.clear();
    endedShards.clear();
    DatasetCommittable c = new DatasetCommittable(shards, errorFiles, positions, now);
    return c.isEmpty() ? List.of() : List.of(c);
  }

  private String nextPartId(Instant now) {
    return String.format(Locale.ROOT, "%013d-%s-%06d", now.toEpochMilli(), partPrefix, ++parts);
  }

  static String shortWriterId(String writerId) {
    String id = writerId.replaceAll("[^A-Za-z0-9-]", "");
    return id.length() > 24 ? id.substring(id.length() - 24) : id;
  }

  @Override
  public void close() throws IOException {
    try {
      if (shard != null) {
        shard.writer.close();
      }
      if (errors != null) {
        errors.close();
      }
    } finally {
      connections.close();
      try (var files = Files.list(stagingDir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(stagingDir);
    }
  }

  /** {@code minietl_error_records_total} of one reason: a {@code reason} key-value group. */
  private Counter errorCounter(String reason) {
    return errorsByReason.computeIfAbsent(
        reason, r -> metrics.addGroup(MetricNames.REASON, r).counter(MetricNames.ERROR_RECORDS));
  }
}
