package io.minietl.core.error;

import static io.minietl.core.error.ErrorRecordFormat.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.minietl.core.manifest.Checksums;
import io.minietl.core.manifest.ErrorFileEntry;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.GZIPOutputStream;

/**
 * Writes {@link ErrorRecord}s as JSON lines (see {@link ErrorRecordFormat}) and counts what it
 * wrote, so that the caller can describe the file in the manifest (records, bytes, checksum, count
 * per reason) without reading it again.
 *
 * <p>{@link #create(OutputStream)} writes plain JSON lines; {@link #gzip(OutputStream)} gzips them,
 * as the dataset stores them. {@link #bytes()} and {@link #checksum()} describe the bytes that
 * reached the target stream (after compression), and are final once {@link #close()} has returned.
 * Closing the writer closes the target. Not thread-safe.
 */
public final class ErrorRecordWriter implements Closeable {
  private static final JsonFactory FACTORY = new JsonFactory();

  private final CountingOutputStream counter;
  private final OutputStream compressed;
  private final JsonGenerator gen;
  private final Map<String, Long> countsByReason = new TreeMap<>();
  private long records;
  private boolean closed;

  private ErrorRecordWriter(OutputStream target, boolean gzip) throws IOException {
    this.counter = new CountingOutputStream(target);
    this.compressed = gzip ? new GZIPOutputStream(counter, 64 * 1024) : counter;
    this.gen = FACTORY.createGenerator(compressed);
    // No separator between root values: each object is followed by our own '\n'.
    gen.setPrettyPrinter(new MinimalPrettyPrinter(""));
  }

  /** A writer of plain (uncompressed) JSON lines to {@code target}. */
  public static ErrorRecordWriter create(OutputStream target) {
    try {
      return new ErrorRecordWriter(target, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A writer of gzip-compressed JSON lines to {@code target} (a {@code .jsonl.gz} file). */
  public static ErrorRecordWriter gzip(OutputStream target) {
    try {
      return new ErrorRecordWriter(target, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Appends one record as one line.
   *
   * @throws UncheckedIOException if the target fails
   * @throws IllegalStateException if the writer is closed
   */
  public void write(ErrorRecord record) {
    if (closed) {
      throw new IllegalStateException("Cannot write an error record: the writer is closed");
    }
    try {
      gen.writeStartObject();
      gen.writeNumberField(KEY_FORMAT_VERSION, FORMAT_VERSION);
      gen.writeStringField(KEY_REASON, record.reason());
      gen.writeStringField(KEY_MESSAGE, record.message());
      gen.writeStringField(KEY_SHARD_ID, record.shardId());
      gen.writeStringField(KEY_SEQUENCE_NUMBER, record.sequenceNumber());
      gen.writeStringField(KEY_PARTITION_KEY, record.partitionKey());
      if (record.approximateArrivalTime() == null) {
        gen.writeNullField(KEY_APPROXIMATE_ARRIVAL_TIME);
      } else {
        gen.writeStringField(
            KEY_APPROXIMATE_ARRIVAL_TIME, record.approximateArrivalTime().toString());
      }
      if (record.subSequenceNumber() != null) {
        gen.writeNumberField(KEY_SUB_SEQUENCE_NUMBER, record.subSequenceNumber());
      }
      gen.writeStringField(KEY_RAW_BASE64, Base64.getEncoder().encodeToString(record.raw()));
      gen.writeEndObject();
      gen.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    records++;
    countsByReason.merge(record.reason(), 1L, Long::sum);
  }

  /** The number of records written. */
  public long records() {
    return records;
  }

  /** The number of records written per reason code, sorted by code. */
  public Map<String, Long> countsByReason() {
    return Collections.unmodifiableMap(new TreeMap<>(countsByReason));
  }

  /** Bytes that reached the target stream so far: the file size once closed. */
  public long bytes() {
    return counter.count;
  }

  /**
   * The CRC32C of the bytes that reached the target, as {@code crc32c:xxxxxxxx}: the file's
   * checksum once closed.
   */
  public String checksum() {
    return Checksums.crc32c(counter.crc.getValue());
  }

  /**
   * The manifest entry of the file this writer wrote, at {@code path} (relative to the dataset
   * root, see {@link io.minietl.core.manifest.ManifestPaths#errorFileKey}).
   *
   * @throws IllegalStateException if the writer is not closed yet (size and checksum are not final)
   */
  public ErrorFileEntry toEntry(String path) {
    if (!closed) {
      throw new IllegalStateException(
          "Cannot describe the error file " + path + " before the writer is closed");
    }
    return ErrorFileEntry.builder()
        .path(path)
        .records(records)
        .bytes(bytes())
        .checksum(checksum())
        .countsByReason(countsByReason)
        .build();
  }

  /** Flushes the JSON and the compressor, finishes the gzip stream and closes the target. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      gen.close(); // flushes and closes the compressor and the target (AUTO_CLOSE_TARGET)
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class CountingOutputStream extends FilterOutputStream {
    private final CRC32C crc = new CRC32C();
    private long count;

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      crc.update(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      crc.update(b, off, len);
      count += len;
    }
  }
}
