package io.minietl.core.format;

import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.feature.FeatureType;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.stats.FeatureStatsAccumulator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Writes rows (article, provenance, feature values) to one shard: an Arrow IPC <em>file</em> (with
 * the random-access footer) of the {@link DatasetSchema} of a {@link FeatureRegistry}, in record
 * batches, with body compression.
 *
 * <p>Rows are buffered in Arrow vectors and written as a record batch when the batch holds {@link
 * Builder#rowsPerBatch(int)} rows or about {@link Builder#maxBatchBytes(long)} bytes of data
 * (whichever comes first; a single larger row makes a batch of its own). The vectors are reused
 * after each batch, so memory stays bounded by one batch whatever the shard size. While writing,
 * the writer keeps the statistics of each feature, the row count, the bytes written and the CRC32C
 * of those bytes.
 *
 * <pre>{@code
 * try (ShardWriter writer = ShardWriter.builder().output(out).features(registry).build()) {
 *   for (...) writer.append(article, provenance, registry.computeAll(article));
 *   ShardSummary summary = writer.finish();
 * }
 * }</pre>
 *
 * <p>{@link #finish()} writes the footer and returns the {@link ShardSummary}; {@link #close()}
 * without {@link #finish()} abandons the shard (closes the output without a footer: the bytes are
 * not a readable file) and releases the memory. Both close the output.
 *
 * <p>Not thread-safe: one writer per thread. Errors: {@link IllegalArgumentException} for a bad
 * row, {@link IllegalStateException} for a call after finish/close or after a failed write, {@link
 * UncheckedIOException} when the output fails.
 */
public final class ShardWriter implements AutoCloseable {
  private static final int UTF8_OVERHEAD = 4 + 1; // offset + validity, rounded up
  private static final int TIMESTAMP_BYTES = 8 + 1;

  private final FeatureRegistry registry;
  private final int featureCount;
  private final int rowsPerBatch;
  private final long maxBatchBytes;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ChecksumChannel channel;
  private final ArrowFileWriter writer;

  private final VarCharVector articleId;
  private final VarCharVector title;
  private final VarCharVector author;
  private final TimeStampMicroTZVector publishDate;
  private final VarCharVector content;
  private final VarCharVector summary;
  private final VarCharVector extraFields;
  private final FieldVector[] featureVectors;
  private final boolean[] featureIsInt32;
  private final int fixedFeatureBytes;
  private final VarCharVector shardId;
  private final VarCharVector sequenceNumber;
  private final VarCharVector partitionKey;
  private final TimeStampMicroTZVector arrivalTime;
  private final TimeStampMicroTZVector ingestionTime;
  private final BigIntVector subSequenceNumber;
  private final FeatureStatsAccumulator[] stats;

  private int batchRows;
  private long batchBytes;
  private long rows;
  private final List<Integer> batchRowCounts = new ArrayList<>();
  private State state = State.OPEN;
  private boolean released;

  private enum State {
    OPEN,
    FAILED,
    FINISHED,
    CLOSED
  }

  private ShardWriter(Builder b, WritableByteChannel sink) {
    this.registry = b.registry;
    this.featureCount = registry.size();
    this.rowsPerBatch = b.rowsPerBatch;
    this.maxBatchBytes = b.maxBatchBytes;
    DatasetSchema schema = DatasetSchema.of(registry);
    this.allocator =
        b.allocator == null
            ? new RootAllocator()
            : b.allocator.newChildAllocator("shard-writer", 0, Long.MAX_VALUE);
    VectorSchemaRoot createdRoot = null;
    try {
      createdRoot = VectorSchemaRoot.create(schema.arrowSchema(), allocator);
      this.root = createdRoot;
      root.allocateNew();
      this.articleId = (VarCharVector) root.getVector(DatasetSchema.ARTICLE_ID);
      this.title = (VarCharVector) root.getVector(DatasetSchema.TITLE);
      this.author = (VarCharVector) root.getVector(DatasetSchema.AUTHOR);
      this.publishDate = (TimeStampMicroTZVector) root.getVector(DatasetSchema.PUBLISH_DATE);
      this.content = (VarCharVector) root.getVector(DatasetSchema.CONTENT);
      this.summary = (VarCharVector) root.getVector(DatasetSchema.SUMMARY);
      this.extraFields = (VarCharVector) root.getVector(DatasetSchema.EXTRA_FIELDS);
      this.shardId = (VarCharVector) root.getVector(DatasetSchema.KINESIS_SHARD_ID);
      this.sequenceNumber = (VarCharVector) root.getVector(DatasetSchema.KINESIS_SEQUENCE_NUMBER);
      this.partitionKey = (VarCharVector) root.getVector(DatasetSchema.KINESIS_PARTITION_KEY);
      this.arrivalTime =
          (TimeStampMicroTZVector) root.getVector(DatasetSchema.APPROXIMATE_ARRIVAL_TIME);
      this.ingestionTime = (TimeStampMicroTZVector) root.getVector(DatasetSchema.INGESTION_TIME);
      this.subSequenceNumber =
          (BigIntVector) root.getVector(DatasetSchema.KINESIS_SUB_SEQUENCE_NUMBER);
      List<String> names = registry.names();
      this.featureVectors = new FieldVector[featureCount];
      this.featureIsInt32 = new boolean[featureCount];
      this.stats = new FeatureStatsAccumulator[featureCount];
      int fixed = 0;
      for (int i = 0; i < featureCount; i++) {
        featureVectors[i] = root.getVector(names.get(i));
        featureIsInt32[i] = registry.features().get(i).type() == FeatureType.INT32;
        fixed += featureIsInt32[i] ? 4 : 8;
        stats[i] = new FeatureStatsAccumulator();
      }
      this.fixedFeatureBytes = fixed;
      this.channel = new ChecksumChannel(sink);
      this.writer =
          new ArrowFileWriter(
              root,
              new DictionaryProvider.MapDictionaryProvider(),
              channel,
              null,
              IpcOption.DEFAULT,
              ShardCodecFactory.INSTANCE,
              b.compression.codecType(),
              b.compressionLevel == null ? Optional.empty() : Optional.of(b.compressionLevel));
      writer.start();
    } catch (IOException e) {
      closeQuietly(sink, createdRoot);
      throw new UncheckedIOException("Cannot write the shard header", e);
    } catch (RuntimeException | Error e) {
      closeQuietly(sink, createdRoot);
      throw e;
    }
  }

  private void closeQuietly(WritableByteChannel sink, VectorSchemaRoot createdRoot) {
    try {
      sink.close();
    } catch (IOException | RuntimeException ignored) {
      // The original failure is what the caller needs.
    }
    if (createdRoot != null) {
      createdRoot.close();
    }
    allocator.close();
  }

  /** A builder; {@link Builder#output} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Appends one row, writing a record batch first if the buffered one is full.
   *
   * @param featureValues the value of each feature of the registry, in registry order (as {@link
   *     FeatureRegistry#computeAll} returns them); not retained
   * @throws IllegalArgumentException if {@code featureValues} has the wrong length or an INT32
   *     feature's value does not fit in an {@code int}; nothing is appended then
   * @throws IllegalStateException after {@link #finish()}, {@link #close()} or a failed write
   * @throws UncheckedIOException if writing a batch fails (the writer is unusable after it)
   */
  public void append(Article article, Provenance provenance, long[] featureValues) {
    Objects.requireNonNull(article, "article");
    Objects.requireNonNull(provenance, "provenance");
    Objects.requireNonNull(featureValues, "featureValues");
    requireOpen("append to");
    if (featureValues.length != featureCount) {
      throw new IllegalArgumentException(
          "Invalid feature values: expected "
              + featureCount
              + " "
              + registry.names()
              + ", got "
              + featureValues.length);
    }
    for (int f = 0; f < featureCount; f++) {
      long v = featureValues[f];
      if (featureIsInt32[f] && (int) v != v) {
        throw new IllegalArgumentException(
            "Invalid value "
                + v
                + " of INT32 feature '"
                + registry.names().get(f)
                + "': out of int range");
      }
    }
    int i = batchRows;
    long bytes = fixedFeatureBytes + 4L * TIMESTAMP_BYTES + 10L * UTF8_OVERHEAD;
    bytes += setString(articleId, i, article.articleId());
    bytes += setString(title, i, article.title());
    bytes += setString(author, i, article.author());
    setTimestamp(publishDate, i, article.publishDate());
    bytes += setString(content, i, article.content());
    bytes += setString(summary, i, article.summary());
    bytes += setString(extraFields, i, article.extraFieldsJson());
    for (int f = 0; f < featureCount; f++) {
      long v = featureValues[f];
      if (featureIsInt32[f]) {
        ((IntVector) featureVectors[f]).setSafe(i, (int) v);
      } else {
        ((BigIntVector) featureVectors[f]).setSafe(i, v);
      }
      stats[f].add(v);
    }
    bytes += setString(shardId, i, provenance.shardId());
    bytes += setString(sequenceNumber, i, provenance.sequenceNumber());
    bytes += setString(partitionKey, i, provenance.partitionKey());
    setTimestamp(arrivalTime, i, provenance.approximateArrivalTime());
    setTimestamp(ingestionTime, i, provenance.ingestionTime());
    if (provenance.subSequenceNumber() == null) {
      subSequenceNumber.setNull(i);
    } else {
      subSequenceNumber.setSafe(i, provenance.subSequenceNumber());
    }
    batchRows++;
    batchBytes += bytes;
    rows++;
    if (batchRows >= rowsPerBatch || batchBytes >= maxBatchBytes) {
      flush();
    }
  }

  /** The number of rows appended so far. */
  public long rows() {
    return rows;
  }

  /** The bytes written to the output so far (record batches already flushed). */
  public long bytesWritten() {
    return channel.bytes();
  }

  /**
   * The bytes written so far plus the uncompressed size of the rows buffered in the current batch:
   * an estimate of the file size if it were finished now, on the high side for compressed shards.
   * Cheap enough to call after every append, to roll shards by size.
   */
  public long estimatedBytes() {
    return channel.bytes() + batchBytes;
  }

  /**
   * Writes the buffered rows and the file footer, closes the output and releases the memory.
   *
   * @return what was written
   * @throws IllegalStateException if already finished or closed, or a write failed before
   * @throws UncheckedIOException if writing fails
   */
  public ShardSummary finish() {
    requireOpen("finish");
    try {
      if (batchRows > 0) {
        flush();
      }
      writer.end();
      writer.close();
    } catch (IOException e) {
      state = State.FAILED;
      throw new UncheckedIOException("Cannot write the shard footer", e);
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    } finally {
      if (state == State.FAILED) {
        release(true);
      }
    }
    Map<String, FeatureStats> featureStats = new LinkedHashMap<>();
    List<String> names = registry.names();
    for (int f = 0; f < featureCount; f++) {
      featureStats.put(names.get(f), stats[f].snapshot());
    }
    ShardSummary result =
        ShardSummary.of(rows, channel.bytes(), batchRowCounts, channel.checksum(), featureStats);
    release(false);
    state = State.FINISHED;
    return result;
  }

  /**
   * Releases the memory and closes the output. After {@link #finish()} it does nothing more;
   * without it, the shard is abandoned: no footer is written, so the output is not a readable Arrow
   * file. Idempotent.
   *
   * @throws UncheckedIOException if closing the output fails
   */
  @Override
  public void close() {
    if (state == State.FINISHED || state == State.CLOSED) {
      state = State.CLOSED;
      return;
    }
    state = State.CLOSED;
    release(true);
  }

  private void release(boolean closeChannel) {
    if (released) {
      return;
    }
    released = true;
    try {
      if (closeChannel && channel.isOpen()) {
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the shard output", e);
    } finally {
      root.close();
      allocator.close();
    }
  }

  private void flush() {
    try {
      root.setRowCount(batchRows);
      writer.writeBatch();
    } catch (IOException e) {
      state = State.FAILED;
      throw new UncheckedIOException("Cannot write a record batch of the shard", e);
    } catch (RuntimeException e) {
      state = State.FAILED;
      throw e;
    }
    batchRowCounts.add(batchRows);
    for (FieldVector v : root.getFieldVectors()) {
      v.reset();
    }
    root.setRowCount(0);
    batchRows = 0;
    batchBytes = 0;
  }

  private void requireOpen(String action) {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "Cannot "
              + action
              + " a shard writer that is "
              + (state == State.FAILED
                  ? "failed (a previous write failed)"
                  : "finished or closed"));
    }
  }

  private static int setString(VarCharVector vector, int index, String value) {
    if (value == null) {
      vector.setNull(index);
      return 0;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    vector.setSafe(index, bytes);
    return bytes.length;
  }

  private static void setTimestamp(TimeStampMicroTZVector vector, int index, Instant value) {
    if (value == null) {
      vector.setNull(index);
    } else {
      vector.setSafe(index, toMicros(value));
    }
  }

  /** Microseconds since the epoch, truncated towards the past. */
  static long toMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  /**
   * Builds a {@link ShardWriter}. Each setting may be given once; {@link #build()} validates them
   * all.
   */
  public static final class Builder {
    /** The default {@link #rowsPerBatch(int)}. */
    public static final int DEFAULT_ROWS_PER_BATCH = 4096;

    /** The default {@link #maxBatchBytes(long)}: 4 MiB. */
    public static final long DEFAULT_MAX_BATCH_BYTES = 4L << 20;

    private OutputStream outputStream;
    private WritableByteChannel outputChannel;
    private FeatureRegistry registry = FeatureRegistry.defaults();
    private boolean registrySet;
    private ShardCompression compression = ShardCompression.ZSTD;
    private boolean compressionSet;
    private Integer compressionLevel;
    private int rowsPerBatch = DEFAULT_ROWS_PER_BATCH;
    private boolean rowsSet;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private boolean bytesSet;
    private BufferAllocator allocator;

    private Builder() {}

    /** Where the file goes; closed by the writer's finish or close. */
    public Builder output(OutputStream out) {
      requireNoOutput();
      this.outputStream = Objects.requireNonNull(out, "out");
      return this;
    }

    /** Where the file goes; closed by the writer's finish or close. */
    public Builder output(WritableByteChannel out) {
      requireNoOutput();
      this.outputChannel = Objects.requireNonNull(out, "out");
      return this;
    }

    /** The features of the rows; {@link FeatureRegistry#defaults()} if not set. */
    public Builder features(FeatureRegistry registry) {
      requireUnset(registrySet, "features");
      this.registry = Objects.requireNonNull(registry, "registry");
      registrySet = true;
      return this;
    }

    /** The body compression; {@link ShardCompression#ZSTD} if not set. */
    public Builder compression(ShardCompression compression) {
      requireUnset(compressionSet, "compression");
      this.compression = Objects.requireNonNull(compression, "compression");
      compressionSet = true;
      return this;
    }

    /** The ZSTD level (1 fastest … 22 smallest; default 3). Only valid with ZSTD. */
    public Builder compressionLevel(int level) {
      requireUnset(compressionLevel != null, "compressionLevel");
      if (level < 1 || level > 22) {
        throw new IllegalArgumentException(
            "Invalid ZSTD compression level " + level + ": use 1 to 22");
      }
      this.compressionLevel = level;
      return this;
    }

    /** The most rows in a record batch; default {@value #DEFAULT_ROWS_PER_BATCH}. */
    public Builder rowsPerBatch(int rows) {
      requireUnset(rowsSet, "rowsPerBatch");
      if (rows < 1) {
        throw new IllegalArgumentException("Invalid rowsPerBatch " + rows + ": must be >= 1");
      }
      this.rowsPerBatch = rows;
      rowsSet = true;
      return this;
    }

    /**
     * About the most bytes of (uncompressed) data in a record batch: a batch is written once it
     * reaches this size. Default 4 MiB; at most 1 GiB.
     */
    public Builder maxBatchBytes(long bytes) {
      requireUnset(bytesSet, "maxBatchBytes");
      if (bytes < 1 || bytes > (1L << 30)) {
        throw new IllegalArgumentException(
            "Invalid maxBatchBytes " + bytes + ": must be between 1 and 1 GiB");
      }
      this.maxBatchBytes = bytes;
      bytesSet = true;
      return this;
    }

    /**
     * The allocator to take Arrow memory from (the writer uses a child of it and releases it on
     * finish or close); by default the writer has its own.
     */
    public Builder allocator(BufferAllocator allocator) {
      requireUnset(this.allocator != null, "allocator");
      this.allocator = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /**
     * Creates the writer and writes the file header (magic and schema) to the output.
     *
     * @throws IllegalStateException if no output was given
     * @throws IllegalArgumentException if a compression level is set for a codec other than ZSTD,
     *     or a feature is named like an input or provenance column
     * @throws UncheckedIOException if writing the header fails (the output is closed then)
     */
    public ShardWriter build() {
      if (outputStream == null && outputChannel == null) {
        throw new IllegalStateException("Cannot build a shard writer without an output");
      }
      if (compressionLevel != null && compression != ShardCompression.ZSTD) {
        throw new IllegalArgumentException(
            "Invalid compressionLevel for " + compression + ": only ZSTD has levels");
      }
      DatasetSchema.of(registry); // validates the feature names before touching the output
      WritableByteChannel sink =
          outputChannel != null ? outputChannel : Channels.newChannel(outputStream);
      return new ShardWriter(this, sink);
    }

    private void requireNoOutput() {
      requireUnset(outputStream != null || outputChannel != null, "output");
    }

    private static void requireUnset(boolean set, String name) {
      if (set) {
        throw new IllegalStateException("Cannot set " + name + " twice");
      }
    }
  }
}
