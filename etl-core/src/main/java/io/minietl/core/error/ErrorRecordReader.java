package io.minietl.core.error;

import static io.minietl.core.error.ErrorRecordFormat.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Reads error files written by {@link ErrorRecordWriter}, for tests and tools. Blank lines are
 * skipped, unknown keys ignored; a line with a {@code format_version} above {@link
 * ErrorRecordFormat#FORMAT_VERSION} or a missing required key is an {@link
 * IllegalArgumentException} naming the line. Closing the reader closes the source. Not thread-safe.
 */
public final class ErrorRecordReader implements Iterator<ErrorRecord>, Closeable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final BufferedReader lines;
  private ErrorRecord next;
  private long lineNumber;

  private ErrorRecordReader(InputStream in) {
    this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** A reader of plain JSON lines. */
  public static ErrorRecordReader create(InputStream in) {
    return new ErrorRecordReader(in);
  }

  /** A reader of a gzip-compressed file ({@code .jsonl.gz}). */
  public static ErrorRecordReader gzip(InputStream in) {
    try {
      return new ErrorRecordReader(new GZIPInputStream(in, 64 * 1024));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every record of a gzip-compressed error file; closes {@code in}. */
  public static List<ErrorRecord> readAllGzip(InputStream in) {
    try (ErrorRecordReader reader = gzip(in)) {
      List<ErrorRecord> all = new ArrayList<>();
      reader.forEachRemaining(all::add);
      return all;
    }
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    try {
      String line;
      while ((line = lines.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) {
          next = parseLine(line, lineNumber);
          return true;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return false;
  }

  @Override
  public ErrorRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ErrorRecord r = next;
    next = null;
    return r;
  }

  @Override
  public void close() {
    try {
      lines.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses one line of an error file.
   *
   * @throws IllegalArgumentException if the line is not a valid error record
   */
  public static ErrorRecord parseLine(String line) {
    return parseLine(line, 0);
  }

  private static ErrorRecord parseLine(String line, long lineNumber) {
    String where = lineNumber > 0 ? " at line " + lineNumber : "";
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid error record" + where + ": not JSON", e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("Invalid error record" + where + ": not a JSON object");
    }
    JsonNode version = node.get(KEY_FORMAT_VERSION);
    if (version == null || !version.canConvertToInt()) {
      throw new IllegalArgumentException(
          "Invalid error record" + where + ": missing '" + KEY_FORMAT_VERSION + "'");
    }
    if (version.intValue() > FORMAT_VERSION || version.intValue() < 1) {
      throw new IllegalArgumentException(
          "Cannot read error record format version "
              + version.intValue()
              + where
              + ": this reader supports up to "
              + FORMAT_VERSION
              + "; upgrade mini-etl");
    }
    String arrival = optionalText(node, KEY_APPROXIMATE_ARRIVAL_TIME);
    try {
      return ErrorRecord.builder()
          .reason(text(node, KEY_REASON, where))
          .message(text(node, KEY_MESSAGE, where))
          .shardId(text(node, KEY_SHARD_ID, where))
          .sequenceNumber(text(node, KEY_SEQUENCE_NUMBER, where))
          .partitionKey(text(node, KEY_PARTITION_KEY, where))
          .approximateArrivalTime(arrival == null ? null : Instant.parse(arrival))
          .subSequenceNumber(optionalLong(node, KEY_SUB_SEQUENCE_NUMBER, where))
          .raw(Base64.getDecoder().decode(text(node, KEY_RAW_BASE64, where)))
          .build();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Invalid error record" + where + ": '" + KEY_APPROXIMATE_ARRIVAL_TIME + "' " + arrival,
          e);
    } catch (IllegalArgumentException | NullPointerException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Invalid error record")) {
        throw e;
      }
      throw new IllegalArgumentException("Invalid error record" + where + ": " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          "Invalid error record" + where + ": missing '" + key + "'");
    }
    return value.textValue();
  }

  private static Long optionalLong(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.canConvertToLong() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(
          "Invalid error record" + where + ": '" + key + "' is not an integer");
    }
    return value.longValue();
  }

  private static String optionalText(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || !value.isTextual() ? null : value.textValue();
  }
}
