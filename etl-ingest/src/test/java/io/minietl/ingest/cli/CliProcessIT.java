package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.ingest.DatasetMaintenance;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * {@code java -jar etl-ingest.jar} as a real process, for what only a process shows: the exit
 * status itself (1 unexpected, 2 configuration, 3 fenced) and SIGTERM (commit, final line, 0). The
 * environment is exactly what each test gives: no AWS profile, no instance metadata.
 */
@LocalStack(kinesis = KinesisFlavor.KINESALITE)
class CliProcessIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path temp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void stopLeftovers() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aMissingRegionOrMissingCredentialsExits2WithOneLineSayingWhatToSet() throws Exception {
    Jar noRegion = start("no-region", Map.of(), "stats", "--dataset", "s3://b/x");
    assertThat(noRegion.awaitExit()).as(noRegion.describe()).isEqualTo(2);
    assertThat(noRegion.err().get(0))
        .isEqualTo(
            "etl-ingest: Cannot determine the AWS region: set AWS_REGION (or region in"
                + " ~/.aws/config)");

    Jar noCredentials =
        start(
            "no-credentials", Map.of("AWS_REGION", "us-east-1"), "stats", "--dataset", "s3://b/x");
    assertThat(noCredentials.awaitExit()).as(noCredentials.describe()).isEqualTo(2);
    List<String> err = noCredentials.err();
    assertThat(err.get(0))
        .isEqualTo(
            "etl-ingest: No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or"
                + " AWS_PROFILE (the SDK's default chain found none)");
    assertThat(err).hasSizeLessThanOrEqualTo(2).allMatch(l -> l.length() <= 300);
  }

  @Test
  void anUnexpectedFailureExits1WithoutAStackTrace(Emulators emulators) throws Exception {
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String bucket = emulators.s3().createBucket();
    emulators
        .s3()
        .client()
        .putObject(
            b -> b.bucket(bucket).key("ds/" + ManifestPaths.manifestKey(1)),
            RequestBody.fromString("{not a manifest"));

    Jar stats = start("corrupt-manifest", env, "stats", "--dataset", "s3://" + bucket + "/ds");

    assertThat(stats.awaitExit()).as(stats.describe()).isEqualTo(1);
    assertThat(stats.err()).isNotEmpty().hasSizeLessThanOrEqualTo(2);
    assertThat(stats.err().get(0)).startsWith("etl-ingest: ");
    assertThat(String.join("\n", stats.err())).doesNotContain("\tat ");
  }

  @Test
  void sigtermCommitsWhatWasReadPrintsTheFinalLineAndExits0(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String stream = kinesis.createStream(2);
    String dataset = newS3Dataset(emulators);
    kinesis.putRecords(stream, articles("a", 40));

    Jar run = start("sigterm", env, runArgs(stream, dataset, "--progress-interval", "200ms"));
    run.awaitLine(l -> l.startsWith("progress: ") && l.contains("records 40,"));
    run.process.destroy(); // SIGTERM

    assertThat(run.awaitExit()).as(run.describe()).isZero();
    List<String> out = run.out();
    assertThat(out.get(out.size() - 1)).startsWith("final: records 40 (rows 40, errors 0)");
    assertThat(latest(emulators, dataset).totalRows()).isEqualTo(40);
  }

  @Test
  void theRunnerThatLosesTheDatasetToAnotherExits3(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String stream = kinesis.createStream(1);
    String dataset = newS3Dataset(emulators);
    kinesis.putRecords(stream, articles("first", 10));
    Jar first = start("first", env, runArgs(stream, dataset, "--stop-when-idle", "1s"));
    assertThat(first.awaitExit()).as(first.describe()).isZero();

    // Both load manifest v1 (a progress line is printed only after the load), then both read the
    // same new records: the first to commit wins, the other finds its shard moved on.
    String[] args =
        runArgs(
            stream,
            dataset,
            "--stop-when-idle",
            "20s",
            "--max-shard-age",
            "1s",
            "--progress-interval",
            "200ms");
    Jar a = start("a", env, args);
    Jar b = start("b", env, args);
    a.awaitLine(l -> l.startsWith("progress: "));
    b.awaitLine(l -> l.startsWith("progress: "));
    kinesis.putRecords(stream, articles("second", 10));

    int codeA = a.awaitExit();
    int codeB = b.awaitExit();
    assertThat(List.of(codeA, codeB))
        .as("%s%n%s", a.describe(), b.describe())
        .containsExactlyInAnyOrder(0, 3);
    Jar fenced = codeA == 3 ? a : b;
    assertThat(fenced.err().get(0)).startsWith("etl-ingest: Stopped: another runner (");
    assertThat(latest(emulators, dataset).totalRows()).isEqualTo(20);
  }

  @Test
  void metricsHealthAndJsonLinesDuringARealRun(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String stream = kinesis.createStream(2);
    Path dataset = temp.resolve("metrics-ds");
    List<PutRecordsRequestEntry> entries = new ArrayList<>(articles("m", 30)); // 3 words each
    for (int i = 0; i < 3; i++) {
      entries.add(KinesisEmulator.entry("bad" + i, "not json " + i));
    }
    entries.add(KinesisEmulator.entry("nocontent", "{\"article_id\":\"x\"}"));
    kinesis.putRecords(stream, entries);

    Jar run =
        start(
            "metrics",
            env,
            runArgs(
                stream,
                dataset.toString(),
                "--metrics-port",
                "0",
                "--max-shard-age",
                "1s",
                "--progress-interval",
                "200ms",
                "--log-format",
                "json"));
    run.awaitLine(l -> l.contains("\"message\":\"metrics: http://127.0.0.1:"));
    String announced =
        run.out().stream().filter(l -> l.contains("metrics: http://")).findFirst().orElseThrow();
    java.util.regex.Matcher port =
        java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)/metrics").matcher(announced);
    assertThat(port.find()).as(announced).isTrue();
    String base = "http://127.0.0.1:" + port.group(1);

    // Every record read and every row committed, and the gauge caught up with the manifest.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    List<String> scrape;
    long version;
    while (true) {
      scrape = get(base + "/metrics").body().lines().toList();
      version =
          Files.isDirectory(dataset.resolve("_manifest"))
              ? DatasetMaintenance.latest(io.minietl.core.storage.LocalObjectStore.create(dataset))
                  .version()
              : 0;
      boolean done =
          scrape.contains("minietl_records_read_total 34.0")
              && version > 0
              && DatasetMaintenance.latest(io.minietl.core.storage.LocalObjectStore.create(dataset))
                      .totalRows()
                  == 30
              && scrape.contains("minietl_manifest_version " + (double) version);
      if (done) {
        break;
      }
      assertThat(run.process.isAlive()).as(run.describe()).isTrue();
      assertThat(System.nanoTime())
          .as("scrape %s; %s", scrape, run.describe())
          .isLessThan(deadline);
      Thread.sleep(50); // polling the endpoint, not synchronizing
    }
    assertThat(scrape)
        .contains(
            "minietl_rows_written_total 30.0",
            "minietl_error_records_total{reason=\"not_json\"} 3.0",
            "minietl_error_records_total{reason=\"missing_field\"} 1.0",
            "minietl_commits_total " + (double) version, // a new dataset, one writer
            "minietl_commit_conflicts_total 0.0",
            "minietl_word_count_mean 3.0")
        .anyMatch(
            l -> l.startsWith("minietl_millis_behind_latest{shard=\"shardId-000000000000\"} "))
        .anyMatch(
            l -> l.startsWith("minietl_millis_behind_latest{shard=\"shardId-000000000001\"} "))
        .anyMatch(l -> l.startsWith("minietl_buffer_bytes "));
    var health = get(base + "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .startsWith("{\"status\":\"ok\",\"manifest_version\":" + version + ",");

    Jar probe = start("health-ok", Map.of(), "health", "--metrics-port", port.group(1));
    assertThat(probe.awaitExit()).as(probe.describe()).isZero();
    assertThat(probe.out()).singleElement().asString().startsWith("{\"status\":\"ok\"");

    run.awaitLine(l -> l.contains("\"message\":\"progress: ") && l.contains("\"records_read\":34"));
    run.process.destroy(); // SIGTERM
    assertThat(run.awaitExit()).as(run.describe()).isZero();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> out = run.out();
    for (String line : out) {
      var j = json.readTree(line);
      assertThat(j.get("timestamp").asText()).as(line).endsWith("Z");
      assertThat(j.get("level").asText()).as(line).isIn("INFO", "WARN");
      assertThat(j.get("logger").asText()).as(line).isEqualTo("io.minietl.ingest.IngestRunner");
      assertThat(j.has("records_read")).as(line).isTrue();
    }
    var last = json.readTree(out.get(out.size() - 1));
    assertThat(last.get("message").asText()).startsWith("final: records 34 (rows 30, errors 4)");
    assertThat(last.get("records_read").asLong()).isEqualTo(34);
    assertThat(last.get("error_records").asLong()).isEqualTo(4);
    assertThat(last.get("manifest_version").asLong()).isEqualTo(version);
    assertThat(last.get("word_count_mean").asDouble()).isEqualTo(3.0);

    Jar gone = start("health-gone", Map.of(), "health", "--metrics-port", port.group(1));
    assertThat(gone.awaitExit()).as(gone.describe()).isEqualTo(1);
    assertThat(gone.err().get(0)).startsWith("etl-ingest: unhealthy: no answer from ");
  }

  private static java.net.http.HttpResponse<String> get(String uri) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(URI.create(uri)).GET().build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOverriddenEndpointNeedsNoCborSetting(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    Map<String, String> env = new HashMap<>(emulators.environment(KinesisFlavor.KINESALITE));
    assertThat(env.remove("CBOR_ENABLED")).isEqualTo("false");
    String stream = kinesis.createStream(1);
    String dataset = newS3Dataset(emulators);
    kinesis.putRecords(stream, realSizedArticles("json", 5));

    Jar run = start("no-cbor-setting", env, runArgs(stream, dataset, "--stop-when-idle", "1s"));

    assertThat(run.awaitExit()).as(run.describe()).isZero();
    assertThat(run.out()).last().asString().startsWith("final: records 5 (rows 5, errors 0)");
  }

  @Test
  void cborForcedOnAgainstKinesaliteSaysHowToFixItWithoutAStackTrace(Emulators emulators)
      throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    Map<String, String> env = new HashMap<>(emulators.environment(KinesisFlavor.KINESALITE));
    env.put("CBOR_ENABLED", "true");
    String stream = kinesis.createStream(1);
    String dataset = newS3Dataset(emulators);
    kinesis.putRecords(stream, realSizedArticles("cbor", 5));

    Jar run = start("cbor-on", env, runArgs(stream, dataset, "--progress-interval", "200ms"));
    run.awaitLine(
        l ->
            l.startsWith("retrying: shard ")
                && l.contains("Unable to unmarshall response")
                && l.endsWith(
                    "; hint: the Kinesis endpoint does not seem to speak CBOR (kinesalite does"
                        + " not): set CBOR_ENABLED=false"));
    run.process.destroy(); // SIGTERM

    assertThat(run.awaitExit()).as(run.describe()).isZero();
    List<String> all = new ArrayList<>(run.out());
    all.addAll(run.err());
    assertThat(all).noneMatch(l -> l.startsWith("\tat ")).allMatch(l -> l.length() <= 400);
    assertThat(run.out()).last().asString().startsWith("final: records 0 (rows 0, errors 0)");
  }

  @Test
  void aDatasetOfAnotherStreamIsRefusedWithExit2(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    String first = kinesis.createStream(1);
    String second = kinesis.createStream(1);
    String dataset = newS3Dataset(emulators);
    kinesis.putRecords(first, articles("one", 4));
    kinesis.putRecords(second, articles("two", 6));
    Jar a = start("stream-a", env, runArgs(first, dataset, "--stop-when-idle", "1s"));
    assertThat(a.awaitExit()).as(a.describe()).isZero();

    Jar b = start("stream-b", env, runArgs(second, dataset, "--stop-when-idle", "1s"));

    assertThat(b.awaitExit()).as(b.describe()).isEqualTo(2);
    assertThat(b.err()).hasSizeLessThanOrEqualTo(2);
    assertThat(b.err().get(0))
        .startsWith("etl-ingest: Cannot continue " + dataset + " from stream " + second)
        .contains("without --reset-checkpoint");
    assertThat(latest(emulators, dataset).totalRows()).isEqualTo(4);

    Jar reset =
        start(
            "stream-b-reset",
            env,
            runArgs(second, dataset, "--stop-when-idle", "1s", "--reset-checkpoint"));
    assertThat(reset.awaitExit()).as(reset.describe()).isZero();
    assertThat(latest(emulators, dataset).totalRows()).isEqualTo(10);
  }

  /** {@code s3://NEW-BUCKET/articles}: a dataset root of its own for each test. */
  private static String newS3Dataset(Emulators emulators) {
    return "s3://" + emulators.s3().createBucket() + "/articles";
  }

  private static DatasetState latest(Emulators emulators, String dataset) {
    return DatasetMaintenance.latest(
        S3ObjectStore.create(emulators.s3().client(), URI.create(dataset)));
  }

  /**
   * Articles of ~5 KB: kinesalite's CBOR answers break on pages of some size (seen here: one such
   * record is read with CBOR on, five are not), so CBOR tests put what a real stream holds.
   */
  private static List<PutRecordsRequestEntry> realSizedArticles(String prefix, int n) {
    String content = "word ".repeat(1000);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(
          KinesisEmulator.entry(
              prefix + i,
              "{\"article_id\":\"" + prefix + i + "\",\"content\":\"" + content + "\"}"));
    }
    return entries;
  }

  private static List<PutRecordsRequestEntry> articles(String prefix, int n) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(
          KinesisEmulator.entry(
              prefix + i,
              "{\"article_id\":\"" + prefix + i + "\",\"content\":\"word " + i + " here\"}"));
    }
    return entries;
  }

  /** {@code run --stream STREAM --dataset DATASET}, then {@code more}. */
  private static String[] runArgs(String stream, String dataset, String... more) {
    List<String> args = new ArrayList<>(List.of("run", "--stream", stream, "--dataset", dataset));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private Jar start(String name, Map<String, String> env, String... args) throws IOException {
    String jar = System.getProperty("minietl.ingest.jar");
    assertThat(jar).as("-Dminietl.ingest.jar (set by the failsafe configuration)").isNotBlank();
    Path home = Files.createDirectories(temp.resolve(name + "-home"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.io.tmpdir=" + home,
            "-jar",
            jar));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectOutput(home.resolve("out").toFile())
            .redirectError(home.resolve("err").toFile());
    Map<String, String> childEnv = builder.environment();
    childEnv.clear();
    childEnv.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    // No profile, no instance metadata: only what the test gives.
    childEnv.put("HOME", home.toString());
    childEnv.put("AWS_CONFIG_FILE", home.resolve("no-config").toString());
    childEnv.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
    childEnv.put("AWS_EC2_METADATA_DISABLED", "true");
    childEnv.putAll(new HashMap<>(env));
    Process process = builder.start();
    started.add(process);
    return new Jar(name, process, home.resolve("out"), home.resolve("err"));
  }

  /** One {@code java -jar etl-ingest.jar} process with its output in files. */
  private record Jar(String name, Process process, Path stdout, Path stderr) {
    List<String> out() {
      return read(stdout);
    }

    List<String> err() {
      return read(stderr);
    }

    private static List<String> read(Path file) {
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    int awaitExit() throws InterruptedException {
      assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("%s did not exit in %s; %s", name, TIMEOUT, describe())
          .isTrue();
      return process.exitValue();
    }

    /** Polls stdout until a line matches; fails if the process exits first or time runs out. */
    void awaitLine(Predicate<String> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (out().stream().noneMatch(wanted)) {
        assertThat(process.isAlive()).as("%s exited early; %s", name, describe()).isTrue();
        assertThat(System.nanoTime())
            .as("%s: no such line; %s", name, describe())
            .isLessThan(deadline);
        Thread.sleep(20); // polling a file, not synchronizing
      }
    }

    String describe() {
      return name + " stdout " + out() + " stderr " + err();
    }
  }
}
