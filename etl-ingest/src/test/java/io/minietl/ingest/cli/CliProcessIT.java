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
    String bucket = emulators.s3().createBucket();
    String dataset = "s3://" + bucket + "/articles";
    kinesis.putRecords(stream, articles("a", 40));

    Jar run =
        start(
            "sigterm",
            env,
            "run",
            "--stream",
            stream,
            "--dataset",
            dataset,
            "--progress-interval",
            "200ms");
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
    String bucket = emulators.s3().createBucket();
    String dataset = "s3://" + bucket + "/articles";
    kinesis.putRecords(stream, articles("first", 10));
    Jar first =
        start(
            "first",
            env,
            "run",
            "--stream",
            stream,
            "--dataset",
            dataset,
            "--stop-when-idle",
            "1s");
    assertThat(first.awaitExit()).as(first.describe()).isZero();

    // Both load manifest v1 (a progress line is printed only after the load), then both read the
    // same new records: the first to commit wins, the other finds its shard moved on.
    List<String> args =
        List.of(
            "run",
            "--stream",
            stream,
            "--dataset",
            dataset,
            "--stop-when-idle",
            "20s",
            "--max-shard-age",
            "1s",
            "--progress-interval",
            "200ms");
    Jar a = start("a", env, args.toArray(String[]::new));
    Jar b = start("b", env, args.toArray(String[]::new));
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

  private static DatasetState latest(Emulators emulators, String dataset) {
    return DatasetMaintenance.latest(
        S3ObjectStore.create(emulators.s3().client(), URI.create(dataset)));
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
