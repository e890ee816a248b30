package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordReader;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.LocalStack;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * {@code errors} on a dataset the runner wrote with bad records of three reasons: counts per reason
 * and day, decoded samples, {@code --reason}/{@code --limit}, {@code --json}, and {@code --raw}
 * giving back the exact bytes (invalid UTF-8 and newlines included).
 */
@LocalStack
class ErrorsCliIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void errorsCountsSamplesAndWritesTheRawRecordsBack(KinesisEmulator kinesis) throws Exception {
    String stream = kinesis.createStream(1);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    List<byte[]> notJson = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      entries.add(
          KinesisEmulator.entry("ok" + i, "{\"article_id\":\"a" + i + "\",\"content\":\"w\"}"));
      if (i % 8 == 0) {
        byte[] bad =
            ("not json " + i + "\nsecond line").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        notJson.add(bad);
        entries.add(raw("nj" + i, bad));
      }
    }
    byte[] notUtf8 = {'{', (byte) 0xff, (byte) 0xfe, '}'};
    entries.add(raw("bad-utf8", notUtf8));
    entries.add(KinesisEmulator.entry("nocontent", "{\"article_id\":\"x\"}"));
    kinesis.putRecords(stream, entries);
    Path dir = temp.resolve("ds");
    Cli.Result ran =
        Cli.run(
            List.of(
                "run",
                "--stream",
                stream,
                "--dataset",
                dir.toString(),
                "--stop-when-idle",
                "1s",
                "--max-shard-rows",
                "20"),
            kinesis.environment());
    assertThat(ran.code()).as("stderr: %s", ran.err()).isZero();
    String today = LocalDate.now(ZoneOffset.UTC).toString();

    Cli.Result text = Cli.run(List.of("errors", "--dataset", dir.toString()), Map.of());
    assertThat(text.code()).as("stderr: %s", text.err()).isZero();
    assertThat(text.out())
        .startsWith("errors: 7 record(s) in file://" + dir + " at version ")
        .containsPattern("not_json +5 +5")
        .containsPattern("not_utf8 +1 +1")
        .containsPattern("missing_field +1 +1")
        .contains(today)
        .contains("samples of not_json:")
        .contains("raw (22 bytes): not json 0\\nsecond line");
    assertThat(text.out().lines().filter(l -> l.startsWith("    raw ")).count())
        .isEqualTo(3 + 1 + 1);

    Cli.Result json =
        Cli.run(
            List.of(
                "errors",
                "--dataset",
                dir.toString(),
                "--json",
                "--reason",
                "not_json",
                "--limit",
                "2"),
            Map.of());
    assertThat(json.code()).as("stderr: %s", json.err()).isZero();
    JsonNode j = JSON.readTree(json.out());
    assertThat(j.get("reasons").size()).isEqualTo(1);
    assertThat(j.get("reasons").get("not_json").get("total").asLong()).isEqualTo(5);
    assertThat(j.get("reasons").get("not_json").get("by_day").get(today).asLong()).isEqualTo(5);
    assertThat(j.get("reasons").get("not_json").get("samples")).hasSize(2);
    assertThat(j.get("reasons").get("not_json").get("samples").get(0).get("raw_preview").asText())
        .startsWith("not json ");

    Cli.Result raw = Cli.run(List.of("errors", "--dataset", dir.toString(), "--raw"), Map.of());
    assertThat(raw.code()).as("stderr: %s", raw.err()).isZero();
    List<ErrorRecord> back = raw.out().lines().map(ErrorRecordReader::parseLine).toList();
    assertThat(back).hasSize(7);
    assertThat(back.stream().filter(r -> r.reason().equals("not_json")).map(ErrorRecord::raw))
        .containsExactlyInAnyOrderElementsOf(notJson);
    assertThat(back.stream().filter(r -> r.reason().equals("not_utf8")).map(ErrorRecord::raw))
        .containsExactly(notUtf8);
    Cli.Result one =
        Cli.run(
            List.of("errors", "--dataset", dir.toString(), "--raw", "--reason", "missing_field"),
            Map.of());
    assertThat(one.out().lines().map(ErrorRecordReader::parseLine).map(ErrorRecord::partitionKey))
        .containsExactly("nocontent");
  }

  private static PutRecordsRequestEntry raw(String key, byte[] data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(key)
        .data(SdkBytes.fromByteArray(data))
        .build();
  }
}
