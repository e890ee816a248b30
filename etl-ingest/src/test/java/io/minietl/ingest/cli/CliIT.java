package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.cli.ExitCode;
import io.minietl.core.feature.WordCount;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.stats.FeatureStats;
import io.minietl.ingest.DatasetMaintenance;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The command line against the emulators: exit codes and one-line messages for bad configuration,
 * {@code run} to idle, {@code stats} and {@code gc --dry-run}.
 */
@LocalStack
class CliIT {
  private static final Cli.Result run(List<String> args, Map<String, String> env) {
    return Cli.run(args, env);
  }

  /** Exit code 2, one line naming the problem (and its cause on a second line), no stack trace. */
  private static void assertBadConfiguration(Cli.Result r, String... mentions) {
    assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.errLines()).hasSizeBetween(1, 2);
    assertThat(r.errLines().get(0)).startsWith("etl-ingest: ");
    if (r.errLines().size() == 2) {
      assertThat(r.errLines().get(1)).startsWith("  cause: ");
    }
    assertThat(r.err()).contains(mentions);
    // No stack trace, no exception class name (an AWS error code like ResourceNotFoundException is
    // fine: it names the problem).
    assertThat(r.err())
        .doesNotContain("\tat ")
        .doesNotContainPattern("\\w+\\.\\w+\\.[\\w.]*Exception");
  }

  @Test
  void badConfigurationEndsWithExitCode2AndOneLineNamingTheProblem(Emulators emulators)
      throws IOException {
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String bucket = emulators.s3().createBucket();
    String dataset = "s3://" + bucket + "/ds";

    assertBadConfiguration(
        run(List.of("run", "--stream", "no-such-stream", "--dataset", dataset), env),
        "no-such-stream");
    assertBadConfiguration(
        run(List.of("stats", "--dataset", "s3://no-such-bucket-cli/ds"), env),
        "no-such-bucket-cli",
        "does not exist");
    assertBadConfiguration(
        run(List.of("run", "--stream", "s", "--dataset", dataset, "--bogus", "1"), env), "--bogus");
    assertBadConfiguration(
        run(
            List.of("run", "--stream", "s", "--dataset", dataset, "--stop-when-idle", "5parsecs"),
            env),
        "--stop-when-idle",
        "5parsecs");
    assertBadConfiguration(
        run(List.of("run", "--stream", "s", "--dataset", dataset, "--buffer-size", "12XB"), env),
        "--buffer-size",
        "12XB");
    assertBadConfiguration(run(List.of("run", "--dataset", dataset), env), "Missing --stream");
    assertBadConfiguration(run(List.of("stats", "--dataset", "http://not-s3/x"), env), "--dataset");
    Cli.Result empty = run(List.of("stats", "--dataset", dataset + "-nothing-here"), env);
    assertBadConfiguration(empty, "No dataset at ");
    assertThat(empty.errLines())
        .containsExactly(
            "etl-ingest: No dataset at "
                + dataset
                + "-nothing-here: no manifest was committed under _manifest/ (check --dataset;"
                + " etl-ingest run creates it)");

    int closed = closedPort();
    Map<String, String> noS3 = new HashMap<>(env);
    noS3.put("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:" + closed);
    assertBadConfiguration(
        run(List.of("stats", "--dataset", dataset), noS3), "127.0.0.1:" + closed, "unreachable");
    Map<String, String> noKinesis = new HashMap<>(env);
    noKinesis.put("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:" + closed);
    Cli.Result kinesisDown = run(List.of("run", "--stream", "s", "--dataset", dataset), noKinesis);
    assertBadConfiguration(kinesisDown, "127.0.0.1:" + closed);
    assertThat(kinesisDown.errLines().get(0))
        .isEqualTo(
            "etl-ingest: Cannot reach Kinesis at http://127.0.0.1:"
                + closed
                + " (AWS_ENDPOINT_URL_KINESIS): check --endpoint, AWS_ENDPOINT_URL_KINESIS or"
                + " AWS_ENDPOINT_URL");

    // Per-service variables win over AWS_ENDPOINT_URL; --endpoint wins over all of them. (The
    // dataset is empty: "No dataset" says S3 was reached.)
    String reached = "etl-ingest: No dataset at " + dataset + ": no manifest was committed";
    Map<String, String> general = new HashMap<>(env);
    general.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + closed);
    assertThat(run(List.of("stats", "--dataset", dataset), general).errLines())
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .startsWith(reached);
    Map<String, String> onlyGeneral = new HashMap<>(env);
    onlyGeneral.remove("AWS_ENDPOINT_URL_S3");
    onlyGeneral.put("AWS_ENDPOINT_URL", env.get("AWS_ENDPOINT_URL_S3"));
    assertThat(run(List.of("stats", "--dataset", dataset), onlyGeneral).errLines())
        .singleElement(as(InstanceOfAssertFactories.STRING))
        .startsWith(reached);
    assertBadConfiguration(
        run(
            List.of("stats", "--dataset", dataset, "--endpoint", "http://127.0.0.1:" + closed),
            env),
        "S3 unreachable",
        "127.0.0.1:" + closed);

    // A dataset whose checkpoint belongs to another stream: refused with one line, exit 2.
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    String first = kinesis.createStream(1);
    kinesis.putRecords(
        first, List.of(KinesisEmulator.entry("k", "{\"article_id\":\"a\",\"content\":\"x y\"}")));
    Cli.Result ok =
        run(List.of("run", "--stream", first, "--dataset", dataset, "--stop-when-idle", "1s"), env);
    assertThat(ok.code()).as("stderr: %s", ok.err()).isZero();
    String second = kinesis.createStream(1);
    assertBadConfiguration(
        run(
            List.of("run", "--stream", second, "--dataset", dataset, "--stop-when-idle", "1s"),
            env),
        "its checkpoint belongs to arn:",
        "--reset-checkpoint");
    Cli.Result reset =
        run(
            List.of(
                "run",
                "--stream",
                second,
                "--dataset",
                dataset,
                "--stop-when-idle",
                "1s",
                "--reset-checkpoint"),
            env);
    assertThat(reset.code()).as("stderr: %s", reset.err()).isZero();
    assertThat(reset.out()).contains("reset: the checkpoint of");

    // --verbose adds the stack trace.
    Cli.Result verbose =
        run(List.of("stats", "--dataset", "s3://no-such-bucket-cli/ds", "--verbose"), env);
    assertThat(verbose.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void runToIdleThenStatsAndGcDescribeTheDataset(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    S3Emulator s3 = emulators.s3();
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String stream = kinesis.createStream(2);
    String bucket = s3.createBucket();
    String dataset = "s3://" + bucket + "/articles";
    Random random = new Random(5);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    List<Long> wordCounts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      if (i % 50 == 49) {
        entries.add(KinesisEmulator.entry("k" + i, "not json " + i));
        continue;
      }
      if (i % 50 == 24) {
        entries.add(KinesisEmulator.entry("k" + i, "[" + i + "]"));
        continue;
      }
      StringBuilder content = new StringBuilder();
      int words = 1 + random.nextInt(200);
      for (int w = 0; w < words; w++) {
        content.append("w").append(random.nextInt(1000)).append(w % 7 == 0 ? "\n" : " ");
      }
      wordCounts.add((long) WordCount.count(content.toString()));
      entries.add(
          KinesisEmulator.entry(
              "k" + i,
              "{\"article_id\":\"a"
                  + i
                  + (i == 7 ? "\",\"publish_date\":\"sometime" : "") // one warning, row kept
                  + "\",\"content\":\""
                  + content.toString().replace("\n", "\\n")
                  + "\"}"));
    }
    kinesis.putRecords(stream, entries);

    Cli.Result ran =
        run(
            List.of(
                "run",
                "--stream",
                stream,
                "--dataset",
                dataset,
                "--stop-when-idle",
                "1s",
                "--progress-interval",
                "200ms",
                "--max-shard-rows",
                "100"),
            env);

    assertThat(ran.code()).as("stderr: %s", ran.err()).isZero();
    List<String> lines = ran.out().lines().toList();
    assertThat(lines.get(0)).startsWith("run: stream " + stream + " (2 shards) -> " + dataset);
    assertThat(lines).anyMatch(l -> l.startsWith("progress: ") && l.contains("records 300"));
    assertThat(lines.get(lines.size() - 1))
        .startsWith("final: records 300 (rows 288, errors 12)")
        .endsWith(" | warnings 1");

    Cli.Result stats = run(List.of("stats", "--dataset", dataset), env);
    assertThat(stats.code()).as("stderr: %s", stats.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(stats.out());
    DatasetState latest =
        DatasetMaintenance.latest(S3ObjectStore.create(s3.client(), URI.create(dataset)));
    FeatureStats expected = FeatureStats.ofValues(wordCounts.stream().mapToLong(l -> l).toArray());
    assertThat(json.get("version").asLong()).isEqualTo(latest.version()).isPositive();
    assertThat(json.get("shards").asInt()).isEqualTo(latest.shards().size()).isGreaterThan(1);
    assertThat(json.get("rows").asLong()).isEqualTo(288);
    assertThat(json.get("error_records").asLong()).isEqualTo(12);
    // 6 of each kind were put: every 50th from 24 is a JSON array, every 50th from 49 not JSON.
    assertThat(json.get("error_reasons").toString())
        .isEqualTo("{\"not_an_object\":6,\"not_json\":6}");
    JsonNode wc = json.get("features").get("word_count");
    assertThat(wc.get("count").asLong()).isEqualTo(288);
    assertThat(wc.get("mean").asDouble()).isCloseTo(expected.mean(), within(1e-9));
    assertThat(wc.get("min").asLong()).isEqualTo(expected.min());
    assertThat(wc.get("max").asLong()).isEqualTo(expected.max());
    assertThat(wc.get("stddev").asDouble()).isCloseTo(expected.stddev(), within(1e-9));

    // A stray upload no manifest lists: gc --dry-run names it, and only it, and deletes nothing.
    String stray = "data/dt=2020-01-01/part-stray.arrow";
    s3.client()
        .putObject(b -> b.bucket(bucket).key("articles/" + stray), RequestBody.fromString("x"));
    // A grace period below 1h is refused (a runner may still commit such uploads); tests only
    // lower the floor, through a variable that no flag offers.
    Cli.Result refused = run(List.of("gc", "--dataset", dataset, "--grace", "0s"), env);
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err())
        .contains("Invalid grace period 0s: it must be at least 1h")
        .doesNotContain("\tat ");
    // A prefix without a manifest (a typo) is refused, and nothing under it is deleted.
    String typo = dataset + "-typo";
    s3.client()
        .putObject(
            b -> b.bucket(bucket).key("articles-typo/data/dt=2020-01-01/part-x.arrow"),
            RequestBody.fromString("x"));
    Cli.Result notADataset = run(List.of("gc", "--dataset", typo, "--grace", "2h"), env);
    assertThat(notADataset.code()).isEqualTo(2);
    assertThat(notADataset.err()).contains("it has no manifest");
    assertThat(
            s3.client()
                .headObject(
                    b -> b.bucket(bucket).key("articles-typo/data/dt=2020-01-01/part-x.arrow"))
                .contentLength())
        .isEqualTo(1);
    Map<String, String> shortGrace = new java.util.HashMap<>(env);
    shortGrace.put("MINIETL_TESTING_GC_MINIMUM_GRACE", "0s");
    Cli.Result gc =
        run(List.of("gc", "--dataset", dataset, "--grace", "0s", "--dry-run"), shortGrace);
    assertThat(gc.code()).as("stderr: %s", gc.err()).isZero();
    assertThat(gc.out().lines().filter(l -> l.startsWith("would delete ")))
        .containsExactly("would delete " + stray + " (1 bytes)");
    assertThat(gc.out()).contains("gc: 1 unlisted object(s) older than 0s found (dry run)");
    assertThat(
            s3.client().headObject(b -> b.bucket(bucket).key("articles/" + stray)).contentLength())
        .isEqualTo(1);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
