package io.minietl.ingest.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minietl.core.format.ShardReader;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * Copies the shards of one committed version of a dataset (or those added after a given version) to
 * Parquet, for analysts' engines (Athena, Spark, Glue, DuckDB): one Parquet file per Arrow shard,
 * under Hive-style day partitions, {@code TARGET/dt=YYYY-MM-DD/part-<id>.parquet}, with the shard's
 * columns and types.
 *
 * <p><b>Resumable and idempotent.</b> A shard's Parquet key is a function of its path, and each
 * file is written completely (locally) before a single put makes it visible (atomic on S3 and on a
 * local store), so a key that exists holds a complete export of that shard: a run skips it. After
 * every file the record {@value #RECORD_KEY} (ignored by Hive-style readers, like every name
 * starting with {@code _}) is rewritten with every shard exported so far, its source path, rows and
 * the version it was exported at. A crashed or interrupted export is finished by running it again;
 * running it twice changes nothing.
 *
 * <p>Parquet is written by Arrow's dataset library ({@code arrow-dataset}, C++ through JNI): see
 * docs/DESIGN.md "Parquet export" for what that writer does and does not do. Not thread safe; one
 * run at a time per target.
 */
public final class ParquetExport {
  /** The export record at the target root. */
  public static final String RECORD_KEY = "_minietl_export.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One allocator for the process, never closed: Arrow's C++ writer releases the last batch it was
   * handed through the C data interface asynchronously, so closing an allocator right after {@code
   * write} returns can see those bytes still allocated ("Memory was leaked", seen in about one run
   * of four). They are released moments later; a process-wide allocator lets that happen.
   */
  private static final BufferAllocator ALLOCATOR = new RootAllocator();

  private final ObjectStore source;
  private final ObjectStore target;
  private final long version;
  private final long since;
  private final Path tempDir;
  private final Consumer<String> progress;

  private ParquetExport(Builder b) {
    this.source = Objects.requireNonNull(b.source, "source");
    this.target = Objects.requireNonNull(b.target, "target");
    this.version = b.version;
    this.since = b.since;
    this.tempDir = b.tempDir;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** What one run did. */
  public record Result(long version, int exported, int skipped, long rows, long parquetBytes) {}

  /**
   * Exports the selected shards that the target does not hold yet.
   *
   * @throws IllegalArgumentException if the dataset has no committed version, or the version or
   *     {@code since} does not exist
   */
  public Result run() {
    ManifestLog log = new ManifestLog(source);
    DatasetState state = version > 0 ? log.load(version) : log.load();
    if (state.version() == 0) {
      throw new IllegalArgumentException(
          "Cannot export " + source.location() + ": no manifest version was committed there");
    }
    if (since >= state.version()) {
      throw new IllegalArgumentException(
          "Invalid --since " + since + ": the exported version is " + state.version());
    }
    Set<String> before = new HashSet<>();
    if (since > 0) {
      log.load(since).shards().forEach(s -> before.add(s.path()));
    }
    Set<String> present = new HashSet<>();
    for (ObjectInfo o : target.list("dt=", null)) {
      present.add(o.key());
    }
    ObjectNode record = readRecord();
    ObjectNode files = (ObjectNode) record.get("files");
    int exported = 0;
    int skipped = 0;
    long rows = 0;
    long bytes = 0;
    Path work = createWorkDir();
    try {
      BufferAllocator allocator = ALLOCATOR;
      for (ShardEntry shard : state.shards()) {
        if (before.contains(shard.path())) {
          continue;
        }
        String key = parquetKey(shard.path());
        if (present.contains(key)) {
          skipped++;
          continue;
        }
        long size = writeParquet(allocator, shard, key, work);
        exported++;
        rows += shard.rows();
        bytes += size;
        ObjectNode f = files.putObject(key);
        f.put("source", shard.path());
        f.put("rows", shard.rows());
        f.put("bytes", size);
        f.put("version", state.version());
        record.put("dataset", source.location());
        record.put("version", Math.max(record.path("version").asLong(0), state.version()));
        record.put("updated_at", Instant.now().toString());
        target.put(RECORD_KEY, toBytes(record));
        progress.accept("export: " + shard.path() + " -> " + key + " (" + shard.rows() + " rows)");
      }
    } finally {
      deleteTree(work);
    }
    return new Result(state.version(), exported, skipped, rows, bytes);
  }

  /** {@code data/dt=2026-11-28/part-x.arrow} to {@code dt=2026-11-28/part-x.parquet}. */
  static String parquetKey(String shardPath) {
    String p = shardPath.startsWith("data/") ? shardPath.substring("data/".length()) : shardPath;
    if (!p.startsWith("dt=") || !p.endsWith(".arrow")) {
      throw new IllegalStateException(
          "Cannot export shard " + shardPath + ": not data/dt=…/….arrow");
    }
    return p.substring(0, p.length() - ".arrow".length()) + ".parquet";
  }

  private long writeParquet(BufferAllocator allocator, ShardEntry shard, String key, Path work) {
    byte[] bytes =
        source
            .get(shard.path())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Cannot export " + shard.path() + ": listed in the manifest but missing"));
    Path out = work.resolve("shard-" + Integer.toHexString(key.hashCode()));
    try (ArrowReader reader =
        new ArrowFileReader(
            new ByteArrayReadableSeekableByteChannel(bytes), allocator, ShardReader.codecs())) {
      DatasetFileWriter.write(
          allocator,
          reader,
          FileFormat.PARQUET,
          out.toUri().toString(),
          new String[0],
          1,
          "part-{i}.parquet");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = out.resolve("part-0.parquet");
    try {
      long size = Files.size(file);
      target.put(key, file);
      return size;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export " + shard.path() + ": " + e.getMessage(), e);
    } finally {
      deleteTree(out);
    }
  }

  private ObjectNode readRecord() {
    return target
        .get(RECORD_KEY)
        .map(
            b -> {
              try {
                JsonNode n = JSON.readTree(b);
                if (n instanceof ObjectNode o && o.get("files") instanceof ObjectNode) {
                  return o;
                }
              } catch (IOException e) {
                // damaged: start a new record (the Parquet files themselves are the truth)
              }
              return null;
            })
        .orElseGet(
            () -> {
              ObjectNode o = JSON.createObjectNode();
              o.put("format", 1);
              o.putObject("files");
              return o;
            });
  }

  private Path createWorkDir() {
    try {
      return tempDir == null
          ? Files.createTempDirectory("minietl-export-")
          : Files.createDirectories(tempDir).resolve("export-" + System.nanoTime());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory: " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a leftover temporary file is harmless
    }
  }

  private static byte[] toBytes(ObjectNode record) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Settings of one export; not thread safe. */
  public static final class Builder {
    private ObjectStore source;
    private ObjectStore target;
    private long version;
    private long since;
    private Path tempDir;
    private Consumer<String> progress = line -> {};

    private Builder() {}

    /** The dataset to export. */
    public Builder source(ObjectStore source) {
      this.source = source;
      return this;
    }

    /** Where the Parquet files and the export record go (its root). */
    public Builder target(ObjectStore target) {
      this.target = target;
      return this;
    }

    /** The manifest version to export; 0 (the default) for the latest. */
    public Builder version(long version) {
      if (version < 0) {
        throw new IllegalArgumentException("Invalid version " + version + ": must be >= 0");
      }
      this.version = version;
      return this;
    }

    /** Export only the shards added after this version; 0 (the default) for all. */
    public Builder since(long since) {
      if (since < 0) {
        throw new IllegalArgumentException("Invalid since " + since + ": must be >= 0");
      }
      this.since = since;
      return this;
    }

    /** Where Parquet files are written before upload; default the system temporary directory. */
    public Builder tempDir(Path tempDir) {
      this.tempDir = tempDir;
      return this;
    }

    /** Receives one line per exported file. */
    public Builder progress(Consumer<String> progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    public ParquetExport build() {
      return new ParquetExport(this);
    }
  }
}
