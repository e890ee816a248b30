package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.storage.LocalObjectStore;
import io.minietl.ingest.IngestOptions;
import io.minietl.ingest.IngestRunner;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer example on a dataset in a local directory, with no AWS configuration at all: the
 * producer fills a stream, the runner writes the directory, {@code train} reads it.
 */
@LocalStack
class TrainLocalDatasetIT {
  @TempDir Path temp;

  @Test
  void trainReadsEveryRowOfALocalDatasetOncePerEpoch(KinesisEmulator kinesis) throws Exception {
    String stream = kinesis.createStream(2);
    int produced =
        Main.run(
            List.of("produce", "--stream", stream, "--records", "150", "--malformed-share", "0"),
            kinesis.environment(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err);
    assertThat(produced).isZero();
    Path dir = temp.resolve("articles");
    IngestRunner.create(
            KinesisStreamProxy.create(kinesis.client(), stream),
            LocalObjectStore.create(dir),
            IngestOptions.builder()
                .maxShardRows(40)
                .stopWhenIdle(Duration.ofSeconds(1))
                .tempDir(temp.resolve("staging"))
                .build(),
            line -> {})
        .run();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            List.of(
                "train",
                "--dataset",
                dir.toString(),
                "--epochs",
                "2",
                "--world-size",
                "3",
                "--run-id",
                "it-run"),
            Map.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed)
        .contains("dataset file://" + dir + ", version ")
        .contains(": 150 rows in ")
        .contains("rank 0 stopped after ")
        .contains("; run it-run")
        .containsPattern(
            "epoch 0: every one of the 150 rows of version \\d+ seen exactly once across 3 rank")
        .containsPattern(
            "epoch 1: every one of the 150 rows of version \\d+ seen exactly once across 3 rank");
    // Every rank of each epoch planned the version its pin object holds.
    for (int epoch = 0; epoch < 2; epoch++) {
      Path pin = dir.resolve("_pins/it-run/epoch-" + epoch + ".json");
      assertThat(pin).exists();
      Matcher m = Pattern.compile("\"version\"\\s*:\\s*(\\d+)").matcher(Files.readString(pin));
      assertThat(m.find()).as("pin %s", pin).isTrue();
      String version = m.group(1);
      for (int rank = 0; rank < 3; rank++) {
        assertThat(printed)
            .contains("epoch " + epoch + " rank " + rank + " (version " + version + ")");
      }
    }
  }
}
