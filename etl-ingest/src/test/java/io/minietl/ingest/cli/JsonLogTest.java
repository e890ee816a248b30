package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JSON log lines parse, carry the four fixed keys and the fields, and escape what they must.
 */
class JsonLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aLineCarriesTimestampLevelLoggerMessageAndTypedFields() throws Exception {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("records_read", 42L);
    fields.put("word_count_mean", 12.5);
    fields.put("max_millis_behind_latest", null);
    fields.put("healthy", true);
    fields.put("message", "must not replace the message");
    String line =
        JsonLog.line(
            Instant.parse("2026-12-02T01:02:03.456Z"),
            "INFO",
            "io.minietl.ingest.IngestRunner",
            "progress: \"quoted\"\nand a new line",
            fields);
    assertThat(line).doesNotContain("\n");
    JsonNode j = JSON.readTree(line);
    assertThat(j.get("timestamp").asText()).isEqualTo("2026-12-02T01:02:03.456Z");
    assertThat(j.get("level").asText()).isEqualTo("INFO");
    assertThat(j.get("logger").asText()).isEqualTo("io.minietl.ingest.IngestRunner");
    assertThat(j.get("message").asText()).isEqualTo("progress: \"quoted\"\nand a new line");
    assertThat(j.get("records_read").isIntegralNumber()).isTrue();
    assertThat(j.get("records_read").asLong()).isEqualTo(42);
    assertThat(j.get("word_count_mean").asDouble()).isEqualTo(12.5);
    assertThat(j.get("max_millis_behind_latest").isNull()).isTrue();
    assertThat(j.get("healthy").asBoolean()).isTrue();
    assertThat(j.size()).isEqualTo(8);
  }

  @Test
  void theLogbackEncoderWritesOneJsonLineWithKeyValuesAndTheErrorWithoutAStackTrace()
      throws Exception {
    LoggerContext context = new LoggerContext();
    ch.qos.logback.classic.Logger logger = context.getLogger("software.amazon.awssdk.Test");
    LoggingEvent event =
        new LoggingEvent(
            "fqcn",
            logger,
            Level.WARN,
            "Retrying {} after {}",
            new IllegalStateException("throttled"),
            new Object[] {"GetRecords", "1s"});
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("shard", "shardId-000000000001"));
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    String out = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(out).endsWith("}\n").containsOnlyOnce("\n");
    JsonNode j = JSON.readTree(out);
    assertThat(j.get("level").asText()).isEqualTo("WARN");
    assertThat(j.get("logger").asText()).isEqualTo("software.amazon.awssdk.Test");
    assertThat(j.get("message").asText()).isEqualTo("Retrying GetRecords after 1s");
    assertThat(j.get("shard").asText()).isEqualTo("shardId-000000000001");
    assertThat(j.get("error").asText()).isEqualTo("java.lang.IllegalStateException: throttled");
    assertThat(Instant.parse(j.get("timestamp").asText())).isNotNull();
  }
}
