package io.minietl.ingest.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * The logback encoder of {@code --log-format json}: each event as one {@link JsonLog} line, its
 * SLF4J key-value pairs as fields, an exception as an {@code error} field (class and message: no
 * stack trace in a log line).
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair kv : event.getKeyValuePairs()) {
        fields.put(kv.key, kv.value);
      }
    }
    IThrowableProxy t = event.getThrowableProxy();
    if (t != null) {
      fields.put("error", t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
    String line =
        JsonLog.line(
            Instant.ofEpochMilli(event.getTimeStamp()),
            event.getLevel().toString(),
            event.getLoggerName(),
            event.getFormattedMessage(),
            fields);
    return (line + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }
}
