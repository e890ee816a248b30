package io.minietl.ingest.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One log line as JSON, the form {@code --log-format json} writes for log shippers (Fluent Bit,
 * Vector, CloudWatch): {@code {"timestamp":"2026-12-02T01:02:03.456Z","level":"INFO",
 * "logger":"io.minietl.ingest.IngestRunner","message":"progress: ...", ...fields}}, one object a
 * line, the fields after the four fixed keys (a field never replaces one of them).
 */
final class JsonLog {
  static final String TIMESTAMP = "timestamp";
  static final String LEVEL = "level";
  static final String LOGGER = "logger";
  static final String MESSAGE = "message";

  private static final JsonFactory JSON = new JsonFactory();

  private JsonLog() {}

  /** The JSON line, without a line break. Field values: numbers, booleans, null or text. */
  static String line(
      Instant timestamp, String level, String logger, String message, Map<String, ?> fields) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField(TIMESTAMP, timestamp.toString());
      g.writeStringField(LEVEL, level);
      g.writeStringField(LOGGER, logger);
      g.writeStringField(MESSAGE, message);
      for (Map.Entry<String, ?> f : fields.entrySet()) {
        String key = f.getKey();
        if (key.equals(TIMESTAMP)
            || key.equals(LEVEL)
            || key.equals(LOGGER)
            || key.equals(MESSAGE)) {
          continue;
        }
        Object v = f.getValue();
        if (v == null) {
          g.writeNullField(key);
        } else if (v instanceof Long || v instanceof Integer) {
          g.writeNumberField(key, ((Number) v).longValue());
        } else if (v instanceof Double d) {
          if (d.isNaN() || d.isInfinite()) {
            g.writeNullField(key);
          } else {
            g.writeNumberField(key, d);
          }
        } else if (v instanceof Boolean b) {
          g.writeBooleanField(key, b);
        } else {
          g.writeStringField(key, String.valueOf(v));
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
