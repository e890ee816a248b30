package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.core.storage.LocalObjectStore;
import io.minietl.ingest.Await;
import io.minietl.ingest.PutLog;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.KinesisStreams;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@code java -jar etl-flink.jar run} as a child JVM (local mode, embedded Flink), on kinesalite
 * and s3proxy: a bounded run ends with exit 0 and the runner's final line; test 2's third case, the
 * whole JVM killed -9 mid-run and started again without Flink state, resumes from the manifest with
 * every record exactly once; a job fenced by another writer exits 3 with one line; and a job into a
 * local ({@code file://}) dataset whose checkpoint belongs to another stream exits 2 with the
 * runner's line, then with {@code --reset-checkpoint} continues it for this stream.
 */
@LocalStack
class FlinkCliIT {
  @TempDir Path temp;

  @Test
  void aBoundedRunExitsZeroWithTheFinalLineAndEveryRecordOnce(Emulators emulators)
      throws Exception {
    Stack s = stack(emulators);
    s.log().putBatch(s.kinesis().client(), s.stream(), new Random(3), 0, 600, 30, 0);

    Child run = Child.start(temp, "bounded", s.args("--stop-when-idle", "2s"), s.env());

    assertThat(run.awaitExit(Duration.ofMinutes(3))).as(run.describe()).isZero();
    List<String> out = run.lines();
    assertThat(out.get(0)).startsWith("run: stream " + s.stream() + " (4 shards)");
    String last = out.get(out.size() - 1);
    assertThat(last)
        .as(run.describe())
        .startsWith(
            "final: records 600 (rows "
                + s.log().validCount()
                + ", errors "
                + s.log().invalidCount()
                + ")");
    s.log().assertExactlyOnce(s.store());
  }

  @Test
  void killedMinus9AndStartedAgainItResumesFromTheManifestWithEveryRecordOnce(Emulators emulators)
      throws Exception {
    Stack s = stack(emulators);
    // Records arrive in two parts, the second after the first commit: on an idle machine the job
    // read all records of one part before its first checkpoint, so a single part gave one commit
    // only and the wait for a second timed out.
    s.log().putBatch(s.kinesis().client(), s.stream(), new Random(4), 0, 500, 30, 0);
    ManifestLog manifests = new ManifestLog(s.store());

    Child first = Child.start(temp, "first", s.args(), s.env());
    awaitVersion(manifests, first, 1);
    s.log().putBatch(s.kinesis().client(), s.stream(), new Random(6), 500, 500, 30, 0);
    awaitVersion(manifests, first, 2);
    first.process.destroyForcibly(); // SIGKILL: no hook, no final commit
    assertThat(first.process.waitFor(1, TimeUnit.MINUTES)).isTrue();
    long committedBefore = manifests.load().totalRows();
    s.log().putBatch(s.kinesis().client(), s.stream(), new Random(5), 1000, 200, 30, 0);

    Child second = Child.start(temp, "second", s.args("--stop-when-idle", "2s"), s.env());

    assertThat(second.awaitExit(Duration.ofMinutes(3))).as(second.describe()).isZero();
    assertThat(committedBefore).isPositive();
    s.log().assertExactlyOnce(s.store());
  }

  @Test
  void fencedByAnotherWriterItExitsThreeWithOneLineAndCommitsNothingMore(Emulators emulators)
      throws Exception {
    Stack s = stack(emulators);
    KinesisClient client = s.kinesis().client();
    s.log().putBatch(client, s.stream(), new Random(8), 0, 300, 30, 0);
    ManifestLog manifests = new ManifestLog(s.store());

    Child job = Child.start(temp, "fenced", s.args(), s.env());
    awaitVersion(manifests, job, 1);
    // Another writer commits a position of every shard the job reads (each shard's first record:
    // never where the job is), then records keep coming: the job's next commit covers a shard the
    // other writer moved.
    DatasetState theirs = commitAsIntruder(manifests, client, s.stream());
    s.log().putBatch(client, s.stream(), new Random(9), 300, 100, 30, 0);

    assertThat(job.awaitExit(Duration.ofMinutes(3))).as(job.describe()).isEqualTo(3);
    // The command's error output is one line, the last of stderr. (Flink's own WARN log of the
    // failed committer task, with its stack trace, comes before it: that is Flink's log.)
    List<String> errors = job.errorLines();
    assertThat(errors)
        .as(job.describe())
        .filteredOn(l -> l.startsWith("etl-flink:"))
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("etl-flink: Stopped: another writer (intruder) committed Kinesis shard ")
        .contains("Run one writer per dataset");
    assertThat(errors.get(errors.size() - 1)).startsWith("etl-flink: Stopped: another writer");
    assertThat(job.lines()).as("stdout").noneMatch(l -> l.startsWith("\tat "));
    // Nothing of the fenced checkpoint is visible: the intruder's version is the last.
    DatasetState latest = manifests.load();
    assertThat(latest.version()).isEqualTo(theirs.version());
    assertThat(latest.writerId()).isEqualTo("intruder");
  }

  @Test
  void aFileDatasetOfAnotherStreamExitsTwoWithOneLineAndWithResetContinuesForThisStream(
      Emulators emulators) throws Exception {
    Stack s = stack(emulators);
    KinesisClient client = s.kinesis().client();
    s.log().putBatch(client, s.stream(), new Random(10), 0, 300, 30, 0);
    Path dir = temp.resolve("local-dataset");
    LocalObjectStore store = LocalObjectStore.create(dir);
    ManifestLog manifests = new ManifestLog(store);
    StreamIdentity current = KinesisStreamProxy.create(client, s.stream()).identity();
    // The same stream name deleted and created again: its old checkpoint names a shard id the new
    // stream has too.
    StreamIdentity old = StreamIdentity.of(current.arn(), Instant.parse("2026-01-05T10:00:00Z"));
    Manifest v1 =
        DatasetState.empty().nextVersion().writerId("runner-old").stream(old)
            .committedAt(Instant.parse("2026-01-06T00:00:00Z"))
            .updateCheckpoint(
                "shardId-000000000000",
                ShardCheckpoint.closed("49590338271490256608559692538361571095921575989136588898"))
            .build();
    assertThat(manifests.commit(v1)).isEqualTo(ManifestLog.Outcome.COMMITTED);
    List<String> args = s.args("--stop-when-idle", "2s");
    args.set(args.indexOf(s.dataset()), "file://" + dir);

    Child refused = Child.start(temp, "refused", args, s.env());

    assertThat(refused.awaitExit(Duration.ofMinutes(3))).as(refused.describe()).isEqualTo(2);
    List<String> errors = refused.errorLines();
    String line =
        "etl-flink: Cannot continue file://"
            + dir
            + " from stream "
            + s.stream()
            + " (created "
            + current.creationTime()
            + ") without --reset-checkpoint (keeps the data): its checkpoint belongs to "
            + current.arn()
            + " (created 2026-01-05T10:00:00Z)";
    // The CLI cuts a line at 300 characters (the runner's line puts the key facts first).
    String shown = line.length() <= 300 ? line : line.substring(0, 297) + "...";
    assertThat(errors.get(errors.size() - 1)).as(refused.describe()).isEqualTo(shown);
    assertThat(errors).filteredOn(l -> l.startsWith("etl-flink:")).hasSize(1);
    assertThat(manifests.load().version()).isEqualTo(1);

    args.add("--reset-checkpoint");
    Child reset = Child.start(temp, "reset", args, s.env());

    assertThat(reset.awaitExit(Duration.ofMinutes(3))).as(reset.describe()).isZero();
    assertThat(reset.errorLines())
        .anyMatch(
            l ->
                l.contains(
                    "reset: the checkpoint of file://"
                        + dir
                        + " (for "
                        + old
                        + ") is replaced by an empty one for "
                        + current
                        + " (manifest v2); its data stays"));
    Manifest emptied = manifests.read(2).orElseThrow();
    assertThat(emptied.writerId()).isEqualTo("flink-cli-it");
    assertThat(emptied.stream()).isEqualTo(current);
    assertThat(emptied.checkpoint()).isEmpty();
    DatasetState latest = manifests.load();
    assertThat(latest.version()).isGreaterThan(2);
    Set<String> commitIds = new TreeSet<>();
    for (long v = 2; v <= latest.version(); v++) {
      Manifest m = manifests.read(v).orElseThrow();
      assertThat(m.writerId()).isEqualTo("flink-cli-it");
      assertThat(m.stream()).isEqualTo(current);
      commitIds.add(m.commitId());
    }
    assertThat(commitIds).hasSize((int) latest.version() - 1);
    // Every shard read afresh, shardId-000000000000 too (the old checkpoint had it closed).
    assertThat(latest.checkpoint()).hasSize(4);
    s.log().assertExactlyOnce(store);
  }

  /** Commits, as writer "intruder", every shard's position at its first record. */
  private static DatasetState commitAsIntruder(
      ManifestLog manifests, KinesisClient client, String stream) {
    Map<String, ShardCheckpoint> firstRecords = new TreeMap<>();
    for (Shard shard : KinesisStreams.listShards(client, stream)) {
      List<Record> records = KinesisStreams.readShard(client, stream, shard.shardId());
      firstRecords.put(shard.shardId(), ShardCheckpoint.at(records.get(0).sequenceNumber()));
    }
    DatasetState state = manifests.load();
    while (true) {
      Manifest m =
          state
              .nextVersion()
              .writerId("intruder")
              .committedAt(Instant.now())
              .checkpoint(firstRecords)
              .build();
      if (manifests.commit(m) == ManifestLog.Outcome.COMMITTED) {
        return state.apply(m);
      }
      state = manifests.refresh(state); // the job committed meanwhile
    }
  }

  private static void awaitVersion(ManifestLog manifests, Child job, long version) {
    Await.until(
        "commit " + version + " of the first job",
        Duration.ofMinutes(3),
        () -> {
          assertThat(job.process.isAlive()).as(job.describe()).isTrue();
          return manifests.load().version() >= version;
        });
  }

  private record Stack(
      KinesisEmulator kinesis,
      String stream,
      String dataset,
      S3ObjectStore store,
      PutLog log,
      Map<String, String> env) {
    List<String> args(String... more) {
      List<String> a =
          new ArrayList<>(
              List.of(
                  "run",
                  "--stream",
                  stream,
                  "--dataset",
                  dataset,
                  "--parallelism",
                  "2",
                  "--checkpoint-interval",
                  "1s",
                  "--progress-interval",
                  "1s",
                  "--records-per-call",
                  "100",
                  "--writer-id",
                  "flink-cli-it"));
      a.addAll(List.of(more));
      return a;
    }
  }

  private static Stack stack(Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    S3Emulator s3 = emulators.s3();
    String stream = kinesis.createStream(4);
    String dataset = "s3://" + s3.createBucket() + "/articles";
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    // Valid records only: PutLog's too_large and too_deep samples assume the smaller test limits
    // of PutLog.limits, which the CLI does not set (FlinkEndToEndIT covers malformed records).
    return new Stack(
        kinesis,
        stream,
        dataset,
        S3ObjectStore.create(s3.client(), java.net.URI.create(dataset)),
        new PutLog(),
        env);
  }

  /** One {@code java -jar etl-flink.jar} JVM with stdout and stderr in files. */
  private static final class Child {
    final Process process;
    final Path stdout;
    final Path stderr;

    private Child(Process process, Path stdout, Path stderr) {
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    static Child start(Path dir, String name, List<String> args, Map<String, String> env)
        throws IOException {
      String jar = System.getProperty("minietl.flink.jar");
      assertThat(jar).as("-Dminietl.flink.jar (set by the failsafe configuration)").isNotBlank();
      Path stdout = dir.resolve(name + ".out");
      Path stderr = dir.resolve(name + ".err");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-Xmx512m", "-Djava.io.tmpdir=" + dir, "-jar", jar));
      command.addAll(args);
      ProcessBuilder b =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile());
      b.environment().putAll(env);
      return new Child(b.start(), stdout, stderr);
    }

    int awaitExit(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("no exit within " + timeout + ": " + describe());
      }
      return process.exitValue();
    }

    List<String> lines() throws IOException {
      return Files.readAllLines(stdout, StandardCharsets.UTF_8);
    }

    List<String> errorLines() throws IOException {
      return Files.readAllLines(stderr, StandardCharsets.UTF_8);
    }

    String describe() {
      try {
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        return "stdout:\n"
            + String.join("\n", lines())
            + "\nstderr (end):\n"
            + err.substring(Math.max(0, err.length() - 4000));
      } catch (IOException e) {
        return e.toString();
      }
    }
  }
}
