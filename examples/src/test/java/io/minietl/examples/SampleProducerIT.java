package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.record.RecordParser;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The producer CLI against kinesalite: what it puts is what the stream holds. */
@LocalStack
class SampleProducerIT {
  @TempDir Path temp;

  @Test
  void produceWithIterationsPutsEveryRecordKeyedByArticleId(KinesisEmulator kinesis) {
    String stream = kinesis.createStream(4);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of(
                "produce",
                "--stream",
                stream,
                "--records",
                "700",
                "--iterations",
                "2",
                "--pause",
                "100ms",
                "--malformed-share",
                "0.05"),
            kinesis.environment(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    List<Record> records = kinesis.readAll(stream);
    assertThat(records).hasSize(1400);
    assertThat(records.stream().map(Record::partitionKey).distinct()).hasSize(1400);
    RecordParser parser = RecordParser.create();
    long invalid =
        records.stream().filter(r -> !parser.parse(r.data().asByteArray()).isValid()).count();
    assertThat(invalid).isBetween(30L, 120L); // 5% of 1400 = 70
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("iteration 1/2: 700 records")
        .contains("iteration 2/2: 700 records");
  }

  @Test
  void kplShareAggregatesThatShareOfTheRecordsIntoKinesisRecordsThatDeaggregate(
      KinesisEmulator kinesis) {
    String stream = kinesis.createStream(2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of("produce", "--stream", stream, "--records", "400", "--kpl-share", "0.5"),
            kinesis.environment(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
    List<Record> records = kinesis.readAll(stream);
    List<byte[]> users = new java.util.ArrayList<>();
    long aggregates = 0;
    for (Record r : records) {
      byte[] data = r.data().asByteArray();
      if (io.minietl.kinesis.KplAggregation.isAggregated(data)) {
        aggregates++;
        var inner = io.minietl.kinesis.KplAggregation.deaggregate(data);
        assertThat(inner.size()).isBetween(1, ProduceCommand.KPL_MAX_USER_RECORDS);
        assertThat(r.partitionKey()).isEqualTo(inner.get(0).partitionKey());
        inner.forEach(u -> users.add(u.data()));
      } else {
        users.add(data);
      }
    }
    // Every article once, plain or inside an aggregate; about half of them aggregated.
    assertThat(users).hasSize(400);
    RecordParser parser = RecordParser.create();
    assertThat(
            users.stream()
                .map(u -> parser.parse(u).article().articleId())
                .collect(Collectors.toSet()))
        .hasSize(400);
    assertThat(records.size()).isBetween(150, 330); // ~200 plain + ~200 in aggregates of <= 10
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("iteration 1/1: 400 records")
        .contains("of the records KPL-aggregated in " + aggregates + " Kinesis records");
  }

  @Test
  void replayPutsEachLineOfAJsonLinesFileAsOneRecord(KinesisEmulator kinesis) throws Exception {
    String stream = kinesis.createStream(1);
    Path file = temp.resolve("articles.jsonl");
    List<String> lines =
        List.of(
            "{\"article_id\":\"a-1\",\"title\":\"T\",\"author\":\"A\","
                + "\"publish_date\":\"2024-03-01T10:15:30Z\",\"content\":\"One two three.\"}",
            "",
            "{\"article_id\":\"a-2\",\"title\":\"T2\",\"author\":\"B\","
                + "\"publish_date\":\"2024-03-02\",\"content\":\"Four five.\"}",
            "not json at all");
    Files.write(file, lines, StandardCharsets.UTF_8);

    int code =
        Main.run(
            List.of("produce", "--stream", stream, "--replay", file.toString()),
            kinesis.environment(),
            System.out,
            System.err);

    assertThat(code).isZero();
    List<Record> records = kinesis.readAll(stream);
    assertThat(records.stream().map(r -> r.data().asUtf8String()).collect(Collectors.toList()))
        .containsExactly(lines.get(0), lines.get(2), lines.get(3));
    assertThat(records.stream().map(Record::partitionKey).collect(Collectors.toSet()))
        .isEqualTo(Set.of("a-1", "a-2", "line-4"));
  }

  @Test
  void anUnknownStreamIsAConfigurationErrorNamingTheStreamAndTheEndpoint(KinesisEmulator kinesis) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of("produce", "--stream", "no-such-stream", "--records", "1"),
            Map.copyOf(kinesis.environment()),
            System.out,
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "examples: Stream no-such-stream does not exist at "
                + kinesis.endpoint()
                + " (AWS_ENDPOINT_URL_KINESIS): create it, or check --stream (MINIETL_STREAM) and"
                + " the endpoint");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("  cause: ").doesNotContain("\tat ");
  }
}
