package io.minietl.core.format;

import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.SeekableReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * Reads a shard written by {@link ShardWriter} (or any Arrow IPC file of a {@link DatasetSchema}):
 * its schema, and its record batches by index (random access through the file footer), projected to
 * chosen columns.
 *
 * <pre>{@code
 * try (ShardReader reader = ShardReader.open(path)) {
 *   reader.select(List.of("content", "word_count"));
 *   for (int i = 0; i < reader.batchCount(); i++) {
 *     VectorSchemaRoot batch = reader.loadBatch(i); // valid until the next loadBatch/select/close
 *   }
 * }
 * }</pre>
 *
 * <p>Opening checks the schema version ({@link DatasetSchema#fromArrow}): a shard of a newer
 * version is rejected. Any codec of the Arrow IPC format is read: ZSTD, LZ4_FRAME (our fast codec
 * for frames with independent blocks), none.
 *
 * <p>Projection: a batch's body is read whole (one read per batch), but only the buffers of the
 * selected columns are decompressed and loaded into vectors; the others are released unread. On S3
 * one would fetch only the selected columns' byte ranges; this reader, working on a local channel,
 * does not.
 *
 * <p>The reader owns the channel it reads and Arrow memory from its allocator; {@link #close()}
 * closes the channel and releases all of it. Not thread-safe: one reader per thread. Errors: {@link
 * IllegalArgumentException} for an invalid or unsupported shard or an unknown column, {@link
 * UncheckedIOException} when reading fails, {@link IllegalStateException} after close.
 */
public final class ShardReader implements AutoCloseable {
  private final BufferAllocator allocator;
  private final ArrowFileReader fileReader;
  private final SeekableReadChannel in;
  private final DatasetSchema schema;
  private final List<ArrowBlock> blocks;
  private final List<Field> fields;
  private final Map<String, Integer> fieldIndex = new HashMap<>();
  // Per top-level field: the position of its first node and buffer in a record batch, and counts.
  private final int[] nodeStart;
  private final int[] nodeCount;
  private final int[] bufferStart;
  private final int[] bufferCount;

  private List<String> selected;
  private int[] selectedFields;
  private VectorSchemaRoot root;
  private boolean closed;

  private ShardReader(SeekableByteChannel channel, BufferAllocator parent) {
    this.allocator =
        parent == null
            ? new RootAllocator()
            : parent.newChildAllocator("shard-reader", 0, Long.MAX_VALUE);
    this.in = new SeekableReadChannel(channel);
    this.fileReader = new ArrowFileReader(in, allocator, ShardCodecFactory.INSTANCE);
    try {
      fileReader.initialize();
      Schema arrowSchema = fileReader.getVectorSchemaRoot().getSchema();
      this.schema = DatasetSchema.fromArrow(arrowSchema);
      this.blocks = List.copyOf(fileReader.getRecordBlocks());
    } catch (IOException e) {
      closeAfterFailure();
      throw new UncheckedIOException("Cannot read the shard's footer and schema", e);
    } catch (RuntimeException | Error e) {
      closeAfterFailure();
      if (e instanceof org.apache.arrow.vector.ipc.InvalidArrowFileException) {
        throw new IllegalArgumentException("Invalid shard: not an Arrow IPC file", e);
      }
      throw e;
    }
    this.fields = schema.arrowSchema().getFields();
    int n = fields.size();
    nodeStart = new int[n];
    nodeCount = new int[n];
    bufferStart = new int[n];
    bufferCount = new int[n];
    int nodes = 0;
    int buffers = 0;
    for (int i = 0; i < n; i++) {
      Field f = fields.get(i);
      fieldIndex.put(f.getName(), i);
      nodeStart[i] = nodes;
      bufferStart[i] = buffers;
      nodeCount[i] = countNodes(f);
      bufferCount[i] = countBuffers(f);
      nodes += nodeCount[i];
      buffers += bufferCount[i];
    }
    this.selected = schema.columnNames();
    this.selectedFields = new int[n];
    for (int i = 0; i < n; i++) {
      selectedFields[i] = i;
    }
  }

  /**
   * The codecs that decode every body compression a shard may have (ZSTD, LZ4 frame, none), for
   * code that opens shards with Arrow's own readers (an {@code ArrowFileReader} handed to Arrow's
   * dataset writer, for instance). Thread safe.
   */
  public static org.apache.arrow.vector.compression.CompressionCodec.Factory codecs() {
    return ShardCodecFactory.INSTANCE;
  }

  /**
   * Opens the shard file at {@code path}.
   *
   * @throws UncheckedIOException if the file cannot be read
   * @throws IllegalArgumentException if it is not a shard or has a newer schema version
   */
  public static ShardReader open(Path path) {
    Objects.requireNonNull(path, "path");
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open shard " + path, e);
    }
    return open(channel, null);
  }

  /** Opens a shard held in memory. See {@link #open(Path)} for the exceptions. */
  public static ShardReader open(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return open(new ByteArrayReadableSeekableByteChannel(bytes), null);
  }

  /** Opens a shard from a channel, which the reader owns from now on. See {@link #open(Path)}. */
  public static ShardReader open(SeekableByteChannel channel) {
    return open(channel, null);
  }

  /**
   * Opens a shard from a channel, which the reader owns from now on, taking Arrow memory from a
   * child of {@code allocator} (or an allocator of its own if null). See {@link #open(Path)}.
   */
  public static ShardReader open(SeekableByteChannel channel, BufferAllocator allocator) {
    Objects.requireNonNull(channel, "channel");
    return new ShardReader(channel, allocator);
  }

  /** The dataset schema of the shard (all columns). */
  public DatasetSchema schema() {
    return schema;
  }

  /** The number of record batches. */
  public int batchCount() {
    return blocks.size();
  }

  /**
   * The number of rows of record batch {@code index}, read from the batch's metadata only (its body
   * is not read).
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, batchCount())}
   * @throws UncheckedIOException if reading fails
   */
  public long batchRowCount(int index) {
    requireOpen();
    Objects.checkIndex(index, blocks.size());
    ArrowBlock block = blocks.get(index);
    try {
      in.setPosition(block.getOffset());
      MessageMetadataResult message = MessageSerializer.readMessage(in);
      if (message == null || message.headerType() != MessageHeader.RecordBatch) {
        throw new IllegalArgumentException(
            "Invalid shard: no record batch at offset " + block.getOffset());
      }
      return ((RecordBatch) message.getMessage().header(new RecordBatch())).length();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read record batch " + index + " of the shard", e);
    }
  }

  /** The selected column names, in the order {@link #loadBatch} gives them. */
  public List<String> selectedColumns() {
    return selected;
  }

  /**
   * Selects the columns that {@link #loadBatch} loads, in the given order. By default all columns
   * are selected. Invalidates a previously returned batch.
   *
   * @throws IllegalArgumentException if {@code columns} is empty, has duplicates or names a column
   *     the shard does not have
   */
  public ShardReader select(List<String> columns) {
    requireOpen();
    Objects.requireNonNull(columns, "columns");
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("Invalid column selection: no columns");
    }
    int[] indexes = new int[columns.size()];
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < indexes.length; i++) {
      String name = columns.get(i);
      Integer index = fieldIndex.get(name);
      if (index == null) {
        throw new IllegalArgumentException(
            "Invalid column '" + name + "': the shard's columns are " + schema.columnNames());
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("Invalid column selection: '" + name + "' twice");
      }
      indexes[i] = index;
    }
    closeRoot();
    this.selected = List.copyOf(columns);
    this.selectedFields = indexes;
    return this;
  }

  /** {@link #select(List)} with the given names. */
  public ShardReader select(String... columns) {
    return select(Arrays.asList(columns));
  }

  /**
   * Loads record batch {@code index} with the selected columns.
   *
   * @return the batch; owned by this reader and valid until the next {@link #loadBatch}, {@link
   *     #select} or {@link #close()} (copy or transfer what you keep)
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, batchCount())}
   * @throws UncheckedIOException if reading fails
   */
  public VectorSchemaRoot loadBatch(int index) {
    requireOpen();
    if (root == null) {
      root = VectorSchemaRoot.create(projectedSchema(selectedFields), allocator);
    }
    load(root, selectedFields, index);
    return root;
  }

  /**
   * Reads every row with all columns, regardless of the selection. For tests and small tools: it
   * materializes the shard as objects.
   *
   * @throws IllegalArgumentException if the shard lacks a column an article or provenance needs
   */
  public List<ShardRow> readRows() {
    requireOpen();
    int n = fields.size();
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    List<ShardRow> rows = new ArrayList<>();
    List<String> features = schema.featureNames();
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(projectedSchema(all), allocator)) {
      for (int b = 0; b < blocks.size(); b++) {
        load(batch, all, b);
        VarCharVector articleId = varChar(batch, DatasetSchema.ARTICLE_ID);
        VarCharVector title = varChar(batch, DatasetSchema.TITLE);
        VarCharVector author = varChar(batch, DatasetSchema.AUTHOR);
        TimeStampMicroTZVector publishDate = timestamp(batch, DatasetSchema.PUBLISH_DATE);
        VarCharVector content = varChar(batch, DatasetSchema.CONTENT);
        VarCharVector summary = varChar(batch, DatasetSchema.SUMMARY);
        VarCharVector extra = varChar(batch, DatasetSchema.EXTRA_FIELDS);
        VarCharVector shardId = varChar(batch, DatasetSchema.KINESIS_SHARD_ID);
        VarCharVector sequence = varChar(batch, DatasetSchema.KINESIS_SEQUENCE_NUMBER);
        VarCharVector partitionKey = varChar(batch, DatasetSchema.KINESIS_PARTITION_KEY);
        TimeStampMicroTZVector arrival = timestamp(batch, DatasetSchema.APPROXIMATE_ARRIVAL_TIME);
        TimeStampMicroTZVector ingestion = timestamp(batch, DatasetSchema.INGESTION_TIME);
        // Absent in schema version 1: every row's sub-sequence number is null.
        BigIntVector subSequence =
            (BigIntVector) batch.getVector(DatasetSchema.KINESIS_SUB_SEQUENCE_NUMBER);
        BaseIntVector[] featureVectors = new BaseIntVector[features.size()];
        for (int f = 0; f < featureVectors.length; f++) {
          featureVectors[f] = (BaseIntVector) batch.getVector(features.get(f));
        }
        for (int r = 0; r < batch.getRowCount(); r++) {
          Article article =
              Article.builder()
                  .articleId(string(articleId, r))
                  .title(string(title, r))
                  .author(string(author, r))
                  .publishDate(instant(publishDate, r))
                  .content(string(content, r))
                  .summary(string(summary, r))
                  .extraFieldsJson(string(extra, r))
                  .build();
          Provenance provenance =
              Provenance.of(
                  string(shardId, r),
                  string(sequence, r),
                  string(partitionKey, r),
                  instant(arrival, r),
                  instant(ingestion, r),
                  subSequence == null || subSequence.isNull(r) ? null : subSequence.get(r));
          long[] values = new long[featureVectors.length];
          for (int f = 0; f < values.length; f++) {
            values[f] = featureVectors[f].getValueAsLong(r);
          }
          rows.add(new ShardRow(article, provenance, values));
        }
      }
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException(
          "Invalid shard: a column has the wrong type or a required value is null", e);
    }
    return rows;
  }

  /** Closes the channel and releases all Arrow memory. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closeRoot();
      fileReader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the shard", e);
    } finally {
      allocator.close();
    }
  }

  private void load(VectorSchemaRoot target, int[] fieldIndexes, int batch) {
    Objects.checkIndex(batch, blocks.size());
    ArrowBlock block = blocks.get(batch);
    try {
      in.setPosition(block.getOffset());
      try (ArrowRecordBatch full = MessageSerializer.deserializeRecordBatch(in, block, allocator)) {
        if (full == null) {
          throw new IllegalArgumentException(
              "Invalid shard: no record batch at offset " + block.getOffset());
        }
        if (fieldIndexes.length == fields.size() && isIdentity(fieldIndexes)) {
          new VectorLoader(target, ShardCodecFactory.INSTANCE).load(full);
          return;
        }
        List<ArrowFieldNode> nodes = new ArrayList<>();
        List<ArrowBuf> buffers = new ArrayList<>();
        for (int f : fieldIndexes) {
          nodes.addAll(full.getNodes().subList(nodeStart[f], nodeStart[f] + nodeCount[f]));
          buffers.addAll(
              full.getBuffers().subList(bufferStart[f], bufferStart[f] + bufferCount[f]));
        }
        try (ArrowRecordBatch projected =
            new ArrowRecordBatch(full.getLength(), nodes, buffers, full.getBodyCompression())) {
          new VectorLoader(target, ShardCodecFactory.INSTANCE).load(projected);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read record batch " + batch + " of the shard", e);
    }
  }

  private Schema projectedSchema(int[] fieldIndexes) {
    List<Field> projected = new ArrayList<>(fieldIndexes.length);
    for (int f : fieldIndexes) {
      projected.add(fields.get(f));
    }
    return new Schema(projected, schema.arrowSchema().getCustomMetadata());
  }

  private static boolean isIdentity(int[] indexes) {
    for (int i = 0; i < indexes.length; i++) {
      if (indexes[i] != i) {
        return false;
      }
    }
    return true;
  }

  private static int countNodes(Field field) {
    int n = 1;
    for (Field child : field.getChildren()) {
      n += countNodes(child);
    }
    return n;
  }

  private static int countBuffers(Field field) {
    int n = TypeLayout.getTypeBufferCount(field.getType());
    for (Field child : field.getChildren()) {
      n += countBuffers(child);
    }
    return n;
  }

  private static VarCharVector varChar(VectorSchemaRoot root, String name) {
    return (VarCharVector) required(root, name);
  }

  private static TimeStampMicroTZVector timestamp(VectorSchemaRoot root, String name) {
    return (TimeStampMicroTZVector) required(root, name);
  }

  private static Object required(VectorSchemaRoot root, String name) {
    Object vector = root.getVector(name);
    if (vector == null) {
      throw new IllegalArgumentException("Invalid shard: no column '" + name + "'");
    }
    return vector;
  }

  private static String string(VarCharVector vector, int row) {
    return vector.isNull(row) ? null : new String(vector.get(row), StandardCharsets.UTF_8);
  }

  private static Instant instant(TimeStampMicroTZVector vector, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    long micros = vector.get(row);
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  private void closeRoot() {
    if (root != null) {
      root.close();
      root = null;
    }
  }

  private void closeAfterFailure() {
    try {
      fileReader.close();
    } catch (IOException | RuntimeException ignored) {
      // The original failure is what the caller needs.
    }
    allocator.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cannot use a closed shard reader");
    }
  }
}
