package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.cli.ExitCode;
import io.minietl.core.feature.WordCount;
import io.minietl.core.stats.FeatureStats;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A dataset on the local file system ({@code file:///path} or a bare path): {@code run} writes it
 * with no S3 at all, {@code stats} and {@code gc} read it with no AWS configuration at all.
 */
@LocalStack
class LocalDatasetCliIT {
  @TempDir Path temp;

  @Test
  void runStatsAndGcWorkOnALocalDirectoryWithoutS3(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    // Kinesis only: no S3 endpoint, so a run that touched S3 would fail.
    Map<String, String> env = new HashMap<>(kinesis.environment());
    env.keySet().removeIf(k -> k.startsWith("AWS_ENDPOINT_URL") && !k.endsWith("KINESIS"));
    assertThat(env).doesNotContainKey("AWS_ENDPOINT_URL_S3");
    String stream = kinesis.createStream(2);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    List<Long> wordCounts = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      if (i % 40 == 39) {
        entries.add(KinesisEmulator.entry("k" + i, "not json " + i));
        continue;
      }
      String content = "word ".repeat(1 + i % 17) + "end";
      wordCounts.add((long) WordCount.count(content));
      entries.add(
          KinesisEmulator.entry(
              "k" + i, "{\"article_id\":\"a" + i + "\",\"content\":\"" + content + "\"}"));
    }
    kinesis.putRecords(stream, entries);
    Path dir = temp.resolve("datasets/articles");

    Cli.Result ran =
        Cli.run(
            List.of(
                "run",
                "--stream",
                stream,
                "--dataset",
                "file://" + dir,
                "--stop-when-idle",
                "1s",
                "--max-shard-rows",
                "50"),
            env);

    assertThat(ran.code()).as("stderr: %s", ran.err()).isZero();
    assertThat(ran.out().lines().findFirst().orElseThrow())
        .startsWith("run: stream " + stream + " (2 shards) -> file://" + dir + ",");
    assertThat(ran.out()).contains("final: records 120 (rows 117, errors 3)");
    try (Stream<Path> manifests = Files.list(dir.resolve("_manifest"))) {
      assertThat(manifests.map(p -> p.getFileName().toString()))
          .contains("v00000000000000000001.json");
    }

    // No AWS configuration at all: a local dataset needs none.
    Map<String, String> none = Map.of();
    Cli.Result stats = Cli.run(List.of("stats", "--dataset", dir.toString()), none);
    assertThat(stats.code()).as("stderr: %s", stats.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(stats.out());
    FeatureStats expected = FeatureStats.ofValues(wordCounts.stream().mapToLong(l -> l).toArray());
    assertThat(json.get("dataset").asText()).isEqualTo("file://" + dir);
    assertThat(json.get("rows").asLong()).isEqualTo(117);
    assertThat(json.get("error_records").asLong()).isEqualTo(3);
    assertThat(json.get("features").get("word_count").get("sum").asLong())
        .isEqualTo(expected.sum());

    // A stray shard no manifest lists: gc removes it, and only it.
    Path stray = dir.resolve("data/dt=2020-01-01/part-stray.arrow");
    Files.createDirectories(stray.getParent());
    Files.writeString(stray, "x");
    // A grace below gc's 1h floor needs the test-only variable (no flag offers it).
    Cli.Result gc =
        Cli.run(
            List.of("gc", "--dataset", dir.toString(), "--grace", "0s"),
            Map.of("MINIETL_TESTING_GC_MINIMUM_GRACE", "0s"));
    assertThat(gc.code()).as("stderr: %s", gc.err()).isZero();
    assertThat(gc.out().lines().filter(l -> l.startsWith("deleted ")))
        .containsExactly("deleted data/dt=2020-01-01/part-stray.arrow (1 bytes)");
    assertThat(stray).doesNotExist();
    Cli.Result after = Cli.run(List.of("stats", "--dataset", "file://" + dir), none);
    assertThat(new ObjectMapper().readTree(after.out()).get("rows").asLong()).isEqualTo(117);
  }

  @Test
  void aDatasetPathThatIsAFileIsABadConfiguration() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-dir"), "x");

    Cli.Result r = Cli.run(List.of("stats", "--dataset", file.toString()), Map.of());

    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.errLines())
        .containsExactly(
            "etl-ingest: Cannot use dataset directory " + file + ": it is not a directory");
    Cli.Result scheme = Cli.run(List.of("stats", "--dataset", "gs://bucket/x"), Map.of());
    assertThat(scheme.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(scheme.errLines()).hasSize(1);
    assertThat(scheme.errLines().get(0)).contains("--dataset", "gs://bucket/x", "file:///path");
  }
}
