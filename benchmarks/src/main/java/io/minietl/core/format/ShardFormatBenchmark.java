package io.minietl.core.format;

import io.minietl.bench.SampleArticles;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.record.RecordParser;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing and reading one whole shard of {@value #ROWS} ~5 KB articles ({@link
 * SampleArticles#articleJson}, parsed once at setup, with provenance and the default features), in
 * memory, for each body compression. {@code NONE} is the baseline of the codecs.
 *
 * <ul>
 *   <li>{@code write}: {@link ShardWriter} with the production defaults (batches of up to 4096 rows
 *       or 4 MiB) into a reused {@link ByteArrayOutputStream}, footer and checksum included.
 *   <li>{@code read}: {@link ShardReader} over the pre-written bytes, loading (and so
 *       decompressing) every column of every batch.
 * </ul>
 *
 * <p>One op is the whole shard. <b>Bytes per op</b> = the input JSON bytes of the {@value #ROWS}
 * records ({@link #inputJsonBytes()}), the same for every codec, so MB/s = ops/s × bytes per op /
 * 10<sup>6</sup> compares codecs on the same data. <b>Compression ratio</b> = input JSON bytes /
 * shard file bytes; the codec's own ratio is the {@code NONE} file bytes / the file bytes. Both are
 * printed at setup and computed by {@link #fileBytes(ShardCompression)}. Run:
 *
 * <pre>
 * mvn -B -ntp -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar ShardFormatBenchmark
 * </pre>
 *
 * (or {@code benchmarks/run-core-benchmarks.sh}, which also prints MB/s and the ratios).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class ShardFormatBenchmark {
  /** Rows in the benchmark shard (about 10 MB of JSON). */
  public static final int ROWS = 2000;

  private static final FeatureRegistry FEATURES = FeatureRegistry.defaults();
  private static final Instant INGESTED = Instant.parse("2026-11-20T09:00:00Z");
  private static final Map<ShardCompression, Long> FILE_BYTES =
      new EnumMap<>(ShardCompression.class);

  @Param({"NONE", "LZ4_FRAME", "ZSTD"})
  public ShardCompression compression;

  private SampleShard sample;
  private BufferAllocator allocator;
  private ByteArrayOutputStream out;
  private byte[] shard;

  @Setup
  public void setUp() {
    sample = SampleShard.get();
    allocator = new RootAllocator();
    shard = write(sample, compression, new ByteArrayOutputStream(), allocator);
    out = new ByteArrayOutputStream(shard.length + (1 << 16));
    long none = fileBytes(ShardCompression.NONE);
    int batches;
    try (ShardReader reader = ShardReader.open(shard)) {
      batches = reader.batchCount();
    }
    System.out.printf(
        "%n[%s] bytes per op (input JSON): %d; shard file bytes: %d in %d batches;"
            + " ratio JSON/file %.2f, NONE/file %.2f%n",
        compression,
        sample.jsonBytes,
        shard.length,
        batches,
        (double) sample.jsonBytes / shard.length,
        (double) none / shard.length);
  }

  @TearDown
  public void tearDown() {
    allocator.close(); // fails if a benchmark leaked Arrow memory
  }

  @Benchmark
  public long write() {
    out.reset();
    return writeTo(out, sample, compression, allocator);
  }

  @Benchmark
  public long read() {
    long touched = 0;
    try (ShardReader reader =
        ShardReader.open(new ByteArrayReadableSeekableByteChannel(shard), allocator)) {
      for (int b = 0, n = reader.batchCount(); b < n; b++) {
        VectorSchemaRoot batch = reader.loadBatch(b);
        VarCharVector content = (VarCharVector) batch.getVector(DatasetSchema.CONTENT);
        int rows = batch.getRowCount();
        // The end offset of the last value: the content bytes of the batch.
        touched += rows + content.getEndOffset(rows - 1);
      }
    }
    return touched;
  }

  /** The input JSON bytes of the {@value #ROWS} records: the bytes per op. */
  public static long inputJsonBytes() {
    return SampleShard.get().jsonBytes;
  }

  /** The size of the benchmark shard written with {@code compression}. Deterministic. */
  public static synchronized long fileBytes(ShardCompression compression) {
    return FILE_BYTES.computeIfAbsent(
        compression,
        c -> {
          try (BufferAllocator allocator = new RootAllocator()) {
            return (long)
                write(SampleShard.get(), c, new ByteArrayOutputStream(), allocator).length;
          }
        });
  }

  private static byte[] write(
      SampleShard sample,
      ShardCompression compression,
      ByteArrayOutputStream out,
      BufferAllocator allocator) {
    writeTo(out, sample, compression, allocator);
    return out.toByteArray();
  }

  private static long writeTo(
      ByteArrayOutputStream out,
      SampleShard sample,
      ShardCompression compression,
      BufferAllocator allocator) {
    try (ShardWriter writer =
        ShardWriter.builder()
            .output(out)
            .features(FEATURES)
            .compression(compression)
            .allocator(allocator)
            .build()) {
      for (int i = 0; i < ROWS; i++) {
        writer.append(sample.articles[i], sample.provenances[i], sample.features[i]);
      }
      return writer.finish().bytes();
    }
  }

  /** The parsed rows, built once per JVM: parsing is not what this benchmark measures. */
  private static final class SampleShard {
    private static SampleShard instance;

    final Article[] articles = new Article[ROWS];
    final Provenance[] provenances = new Provenance[ROWS];
    final long[][] features = new long[ROWS][];
    final long jsonBytes;

    private SampleShard() {
      RecordParser parser = RecordParser.create();
      // Kinesis sequence numbers are 56-digit decimals.
      BigInteger sequence =
          new BigInteger("49590338271490256608559692538361571095921575989136588898");
      long bytes = 0;
      for (int i = 0; i < ROWS; i++) {
        byte[] json = SampleArticles.articleJson(1000 + i);
        bytes += json.length;
        articles[i] = parser.parse(json).article();
        features[i] = FEATURES.computeAll(articles[i]);
        provenances[i] =
            Provenance.of(
                "shardId-00000000000" + (i % 4),
                sequence.add(BigInteger.valueOf(i)).toString(),
                "partition-" + (i % 64),
                INGESTED.minusMillis(ROWS - i),
                INGESTED);
      }
      jsonBytes = bytes;
    }

    static synchronized SampleShard get() {
      if (instance == null) {
        instance = new SampleShard();
      }
      return instance;
    }
  }
}
