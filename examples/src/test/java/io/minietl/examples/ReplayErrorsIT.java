package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.cli.CommandContext;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The replay loop of issue 12: records the runner sent to the error output, written out by {@code
 * etl-ingest errors --raw} and put back by {@code produce --replay}, reach a second stream as the
 * same bytes under the same partition keys (invalid UTF-8, newlines and a lone CR included, which
 * one-article-per-line files cannot carry).
 */
@LocalStack
class ReplayErrorsIT {
  @TempDir Path temp;

  @Test
  void errorsRawThenProduceReplayPutsTheSameRawBytesOnTheStream(KinesisEmulator kinesis)
      throws Exception {
    Map<String, byte[]> bad = new LinkedHashMap<>();
    bad.put("two-lines", "not json\nsecond line".getBytes(StandardCharsets.UTF_8));
    bad.put("bad-utf8", new byte[] {'{', (byte) 0xff, (byte) 0xfe, '\r', '}'});
    bad.put("no-content", "{\"article_id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    String source = kinesis.createStream(1);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    entries.add(KinesisEmulator.entry("ok", "{\"article_id\":\"ok\",\"content\":\"a b c\"}"));
    bad.forEach(
        (key, data) ->
            entries.add(
                PutRecordsRequestEntry.builder()
                    .partitionKey(key)
                    .data(SdkBytes.fromByteArray(data))
                    .build()));
    kinesis.putRecords(source, entries);
    Path dataset = temp.resolve("ds");
    ingest(
        kinesis.environment(),
        "run",
        "--stream",
        source,
        "--dataset",
        dataset.toString(),
        "--stop-when-idle",
        "1s");

    String raw = ingest(Map.of(), "errors", "--dataset", dataset.toString(), "--raw");
    assertThat(raw.lines()).hasSize(3);
    Path file = temp.resolve("errors.jsonl");
    Files.writeString(file, raw, StandardCharsets.UTF_8);

    String target = kinesis.createStream(1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of("produce", "--stream", target, "--replay", file.toString()),
            kinesis.environment(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("3 records").contains("3 malformed");

    Map<String, byte[]> replayed = new LinkedHashMap<>();
    for (Record r : kinesis.readAll(target)) {
      replayed.put(r.partitionKey(), r.data().asByteArray());
    }
    assertThat(replayed).containsOnlyKeys(bad.keySet());
    bad.forEach((key, data) -> assertThat(replayed.get(key)).as(key).isEqualTo(data));
  }

  /** Runs an etl-ingest command in this JVM; returns its standard output (exit 0 asserted). */
  private static String ingest(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = io.minietl.ingest.cli.Main.run(List.of(args), CommandContext.of(env, o, e));
    }
    assertThat(code).as("etl-ingest %s: %s", args[0], err).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }
}
