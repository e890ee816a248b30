package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.error.ErrorRecord;
import io.minietl.core.feature.WordCount;
import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectInfo;
import io.minietl.kinesis.KplAggregation;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Issue 3, test 2: the runner as a separate JVM ({@code java -jar target/etl-ingest.jar run}),
 * killed with SIGKILL at seeded random moments while a producer keeps writing, restarted each time;
 * a last run with {@code --stop-when-idle} drains the stream. Every record is then in the dataset
 * exactly once, the manifest's statistics are those of its rows, and {@code gc} removes exactly the
 * uploads that crashed runs left unlisted.
 *
 * <p>Commits are frequent (every 300 ms, or 25 rows, checked once per fetched page), and half of
 * the kills, after their random delay, wait until a shard file is uploaded whose manifest version
 * does not exist yet, so they land between an upload and its commit (a plain delay does about one
 * time in ten). The seed is {@code -Dminietl.crash.seed} (default {@value #DEFAULT_SEED}); the kill
 * delays are reproducible, the moments they hit are not (scheduling). Each child's output is in
 * {@code target/crash-recovery-it/<stream>/}.
 */
@LocalStack(kinesis = KinesisFlavor.KINESALITE)
class CrashRecoveryIT {
  private static final long DEFAULT_SEED = 20_240_611L;
  private static final int MIN_KILLS = 10;

  /** More kills only while no killed run has yet committed or left garbage; bounds run time. */
  private static final int MAX_KILLS = 24;

  private static final Duration CHILD_START_TIMEOUT = Duration.ofSeconds(30);

  /**
   * The final run drains what the producer put while the kills went on: on a starved machine (a
   * load of 20 on 2 cores was seen) runs killed before their first record keep the kill loop, and
   * the producer, going to {@link #MAX_KILLS}, and draining ~13k records in 25-row commits took
   * longer than 90 s. A timeout, not a measurement: generous.
   */
  private static final Duration FINAL_RUN_TIMEOUT = Duration.ofMinutes(10);

  private static final String[] MALFORMED_REASONS = {
    "not_json", "not_an_object", "missing_field", "wrong_type"
  };
  private static final String[] WORDS = {
    "kinesis", "arrow", "shard", "manifest", "commit", "exactly", "once", "record", "stream",
    "batch", "crash", "restart", "sequence", "bucket", "object", "garbage", "lorem", "ipsum"
  };

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void killLeftoverChildren() throws InterruptedException {
    for (Process p : children) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** What the producer put, by "shardId/sequenceNumber". Written by the producer thread. */
  private static final class Produced {
    final Map<String, Long> validWordCounts = new ConcurrentHashMap<>();
    final Map<String, String> malformedReasons = new ConcurrentHashMap<>();
  }

  @Test
  void killedRunnerRestartedTenTimesWritesEveryRecordExactlyOnceAndGcRemovesOnlyUnlisted(
      KinesisEmulator kinesis, S3Emulator s3, Emulators emulators) throws Exception {
    long started = System.nanoTime();
    long seed = Long.getLong("minietl.crash.seed", DEFAULT_SEED);
    Random random = new Random(seed);
    String streamName = kinesis.createStream(4);
    String bucket = s3.createBucket();
    URI dataset = URI.create("s3://" + bucket + "/articles");
    S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
    Path workDir = jar().getParent().resolve("crash-recovery-it").resolve(streamName);
    Path childTmp = workDir.resolve("tmp");
    Files.createDirectories(childTmp);
    Map<String, String> env = emulators.environment(KinesisFlavor.KINESALITE);
    List<String> runArgs =
        List.of(
            "run",
            "--stream",
            streamName,
            "--dataset",
            dataset.toString(),
            "--max-shard-age",
            "300ms",
            "--max-shard-rows",
            "25",
            "--progress-interval",
            "1s",
            "--verbose");

    Produced produced = new Produced();
    AtomicBoolean stopProducer = new AtomicBoolean();
    ExecutorService producerThread = Executors.newSingleThreadExecutor();
    Future<Integer> producer =
        producerThread.submit(() -> produce(kinesis, streamName, produced, stopProducer, seed));

    List<String> killLog = new ArrayList<>();
    int kills = 0;
    int killsAfterACommit = 0;
    int killsLeavingGarbage = 0;
    int aimedKills = 0;
    int garbageBefore = 0;
    try {
      // Which phase a kill hits is up to scheduling (a loaded machine starts the JVM slower):
      // past MIN_KILLS, keep killing until a killed run had committed and one left garbage.
      while (kills < MIN_KILLS
          || ((killsAfterACommit == 0 || killsLeavingGarbage == 0) && kills < MAX_KILLS)) {
        long versionBefore = DatasetMaintenance.latest(store).version();
        Child child = Child.start(workDir, "run-" + (kills + 1), runArgs, env, childTmp);
        children.add(child.process);
        child.awaitLine(line -> line.startsWith("run: "), CHILD_START_TIMEOUT);
        long delayMillis = 300 + random.nextInt(2_700);
        // Half of the kills wait, after the delay, for an upload whose manifest version does not
        // exist yet: they land mid-commit, which a plain delay hits only about one time in ten.
        boolean aimMidCommit = random.nextBoolean();
        String seenUpTo = lastDataKey(store);
        Thread.sleep(delayMillis);
        if (aimMidCommit && awaitUncommittedUpload(store, seenUpTo, Duration.ofSeconds(3))) {
          aimedKills++;
        }
        assertThat(child.process.isAlive())
            .as("runner %s died before its kill; see %s", child.name, child.stdout)
            .isTrue();
        int exit = child.killHard();
        // 128 + 9: the JDK's destroyForcibly() is SIGKILL on Linux (no shutdown hook, no commit).
        assertThat(exit).as("exit status of a SIGKILLed %s", child.name).isEqualTo(137);
        kills++;

        long versionAfter = DatasetMaintenance.latest(store).version();
        int garbage = garbage(store).size();
        if (versionAfter > versionBefore) {
          killsAfterACommit++;
        }
        if (garbage > garbageBefore) {
          killsLeavingGarbage++;
        }
        killLog.add(
            String.format(
                "kill %d after %d ms%s: manifest v%d -> v%d, unlisted uploads %d -> %d, staging files"
                    + " %d",
                kills,
                delayMillis,
                aimMidCommit ? " (aimed mid-commit)" : "",
                versionBefore,
                versionAfter,
                garbageBefore,
                garbage,
                stagingFiles(childTmp)));
        garbageBefore = garbage;
      }
    } finally {
      stopProducer.set(true);
      producerThread.shutdown();
    }
    int batches = producer.get(30, TimeUnit.SECONDS);
    assertThat(producerThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    // The stream is complete: one more run drains it and exits by itself.
    List<String> finalArgs = new ArrayList<>(runArgs);
    finalArgs.addAll(List.of("--stop-when-idle", "2s"));
    Child last = Child.start(workDir, "run-final", finalArgs, env, childTmp);
    children.add(last.process);
    assertThat(last.awaitExit(FINAL_RUN_TIMEOUT))
        .as("exit status of the final run; see %s and %s", last.stdout, last.stderr)
        .isZero();

    Datasets.Contents contents = Datasets.read(store);
    assertExactlyOnce(contents, produced);

    // Crashed runs left uploads no manifest lists; gc deletes exactly those, nothing listed.
    Set<String> garbage = garbage(store);
    Set<String> listed = listed(contents.state());
    Child gc =
        Child.start(
            workDir,
            "gc",
            List.of("gc", "--dataset", dataset.toString(), "--grace", "0s"),
            withShortGrace(env),
            childTmp);
    children.add(gc.process);
    assertThat(gc.awaitExit(Duration.ofSeconds(60))).as("gc exit; see %s", gc.stdout).isZero();
    Set<String> deleted =
        gc.lines().stream()
            .filter(l -> l.startsWith("deleted "))
            .map(l -> l.substring("deleted ".length(), l.indexOf(" (")))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(deleted).isEqualTo(garbage);
    assertThat(dataAndErrorKeys(store)).isEqualTo(listed);
    Datasets.Contents afterGc = Datasets.read(store);
    assertThat(afterGc.state().version()).isEqualTo(contents.state().version());
    assertThat(afterGc.rows()).isEqualTo(contents.rows());
    assertThat(afterGc.errors()).isEqualTo(contents.errors());

    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
    String report =
        String.format(
            "seed %d: %d kills (%d aimed mid-commit, %d after a commit, %d leaving unlisted uploads);"
                + " %d records put in"
                + " %d batches (%d malformed); manifest v%d with %d shards; gc deleted %d unlisted"
                + " object(s); %d staging files left; %d s",
            seed,
            kills,
            aimedKills,
            killsAfterACommit,
            killsLeavingGarbage,
            produced.validWordCounts.size() + produced.malformedReasons.size(),
            batches,
            produced.malformedReasons.size(),
            contents.state().version(),
            contents.state().shards().size(),
            deleted.size(),
            stagingFiles(childTmp),
            seconds);
    killLog.add(report);
    Files.write(workDir.resolve("report.txt"), killLog, StandardCharsets.UTF_8);
    System.out.println(String.join(System.lineSeparator(), killLog));

    assertThat(kills).isGreaterThanOrEqualTo(MIN_KILLS);
    assertThat(killsAfterACommit).as("kills after a commit: %s", killLog).isPositive();
    assertThat(killsLeavingGarbage).as("kills leaving unlisted uploads: %s", killLog).isPositive();
    assertThat(deleted).isNotEmpty();
    // A killed runner's staging files are removed by the next run; none outlive a clean exit.
    assertThat(stagingFiles(childTmp)).as("staging files left in %s", childTmp).isZero();
  }

  private static void assertExactlyOnce(Datasets.Contents c, Produced p) {
    List<String> rowKeys =
        c.rows().stream()
            .map(
                r ->
                    key(
                        r.provenance().shardId(),
                        r.provenance().sequenceNumber(),
                        r.provenance().subSequenceNumber()))
            .toList();
    assertThat(rowKeys).doesNotHaveDuplicates();
    assertThat(new HashSet<>(rowKeys)).isEqualTo(p.validWordCounts.keySet());
    for (ShardRow row : c.rows()) {
      String k =
          key(
              row.provenance().shardId(),
              row.provenance().sequenceNumber(),
              row.provenance().subSequenceNumber());
      assertThat(row.featureValues()[0])
          .as("word_count of %s", k)
          .isEqualTo(p.validWordCounts.get(k));
    }
    List<String> errorKeys =
        c.errors().stream()
            .map(e -> key(e.shardId(), e.sequenceNumber(), e.subSequenceNumber()))
            .toList();
    assertThat(errorKeys).doesNotHaveDuplicates();
    Map<String, String> reasons = new HashMap<>();
    for (ErrorRecord e : c.errors()) {
      reasons.put(key(e.shardId(), e.sequenceNumber(), e.subSequenceNumber()), e.reason());
    }
    assertThat(reasons).isEqualTo(p.malformedReasons);

    long[] counts = c.rows().stream().mapToLong(r -> r.featureValues()[0]).toArray();
    assertThat(c.state().stats(WordCount.NAME)).isEqualTo(FeatureStats.ofValues(counts));
    assertThat(c.state().totalRows()).isEqualTo(p.validWordCounts.size());
    assertThat(c.state().totalErrorRecords()).isEqualTo(p.malformedReasons.size());
  }

  /**
   * Puts batches of 20 records (about 1–2 KB each, every 25th malformed) every 40 ms until told to
   * stop; records what each put landed as. Returns the number of batches.
   */
  private static int produce(
      KinesisEmulator kinesis, String streamName, Produced produced, AtomicBoolean stop, long seed)
      throws InterruptedException {
    Random random = new Random(seed + 1);
    int n = 0;
    int batches = 0;
    while (!stop.get()) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      // Long word count, String reason, or a List of those for the user records of an aggregate
      List<Object> expected = new ArrayList<>();
      for (int i = 0; i < 20; i++, n++) {
        String partitionKey = "pk-" + random.nextInt(64);
        if (n % 25 == 24) {
          int m = (n / 25) % MALFORMED_REASONS.length;
          entries.add(KinesisEmulator.entry(partitionKey, malformed(m, n)));
          expected.add(MALFORMED_REASONS[m]);
        } else if (n % 25 == 12) {
          // A KPL aggregate of three user records (the middle one malformed every other time),
          // so that commits (every 25 rows) fall inside aggregates; every fifth one has a wrong
          // MD5 trailer and is one kpl_corrupt error record.
          List<KplAggregation.UserRecord> users = new ArrayList<>();
          List<Object> inner = new ArrayList<>();
          for (int u = 0; u < 3; u++) {
            if (u == 1 && (n / 25) % 2 == 0) {
              users.add(user(u, partitionKey, malformed(0, n)));
              inner.add(MALFORMED_REASONS[0]);
            } else {
              String[] article = article(random, n + "-" + u);
              users.add(user(u, partitionKey + "-" + u, article[0]));
              inner.add(Long.parseLong(article[1]));
            }
          }
          byte[] aggregate = KplAggregation.aggregate(users);
          if ((n / 25) % 5 == 4) {
            aggregate[aggregate.length - 1] ^= 1;
            expected.add("kpl_corrupt");
          } else {
            expected.add(inner);
          }
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey(partitionKey)
                  .data(SdkBytes.fromByteArray(aggregate))
                  .build());
        } else {
          String[] article = article(random, Integer.toString(n));
          entries.add(KinesisEmulator.entry(partitionKey, article[0]));
          expected.add(Long.parseLong(article[1]));
        }
      }
      List<PutRecordsResultEntry> results = kinesis.putRecords(streamName, entries);
      for (int i = 0; i < results.size(); i++) {
        String shard = results.get(i).shardId();
        String sequence = results.get(i).sequenceNumber();
        if (expected.get(i) instanceof List<?> users) {
          for (int u = 0; u < users.size(); u++) {
            record(produced, key(shard, sequence, (long) u), users.get(u));
          }
        } else {
          record(produced, key(shard, sequence, null), expected.get(i));
        }
      }
      batches++;
      Thread.sleep(40);
    }
    return batches;
  }

  private static void record(Produced produced, String key, Object expected) {
    if (expected instanceof Long count) {
      produced.validWordCounts.put(key, count);
    } else {
      produced.malformedReasons.put(key, (String) expected);
    }
  }

  /** An article's JSON and its word count (as text). */
  private static String[] article(Random random, String id) {
    StringBuilder content = new StringBuilder();
    int words = 120 + random.nextInt(140);
    for (int w = 0; w < words; w++) {
      content.append(w == 0 ? "" : random.nextInt(9) == 0 ? "\\n" : " ");
      content.append(WORDS[random.nextInt(WORDS.length)]);
    }
    String text = content.toString();
    String json =
        "{\"article_id\":\"crash-"
            + id
            + "\",\"title\":\"Article "
            + id
            + "\",\"content\":\""
            + text
            + "\"}";
    return new String[] {json, Long.toString(WordCount.count(text.replace("\\n", "\n")))};
  }

  private static KplAggregation.UserRecord user(int sub, String partitionKey, String data) {
    return new KplAggregation.UserRecord(
        sub, partitionKey, null, data.getBytes(StandardCharsets.UTF_8));
  }

  private static String malformed(int kind, int n) {
    switch (kind) {
      case 0:
        return "not json " + n;
      case 1:
        return "[" + n + "]";
      case 2:
        return "{\"content\":\"no id " + n + "\"}";
      default:
        return "{\"article_id\":" + n + ",\"content\":\"x\"}";
    }
  }

  /** A record's identity: shard, sequence number and, for a KPL user record, sub-sequence. */
  private static String key(String shardId, String sequenceNumber, Long subSequenceNumber) {
    return shardId
        + "/"
        + sequenceNumber
        + (subSequenceNumber == null ? "" : "/" + subSequenceNumber);
  }

  private static Set<String> listed(DatasetState state) {
    Set<String> live = new TreeSet<>(state.shardsByPath().keySet());
    state.errorFiles().forEach(f -> live.add(f.path()));
    return live;
  }

  private static Set<String> dataAndErrorKeys(S3ObjectStore store) {
    Set<String> keys = new TreeSet<>();
    for (String dir : List.of(ManifestPaths.DATA_DIR, ManifestPaths.ERRORS_DIR)) {
      store.list(dir, null).stream().map(ObjectInfo::key).forEach(keys::add);
    }
    return keys;
  }

  private static String lastDataKey(S3ObjectStore store) {
    List<ObjectInfo> keys = store.list(ManifestPaths.DATA_DIR, null);
    return keys.isEmpty() ? null : keys.get(keys.size() - 1).key();
  }

  /** The manifest version a shard upload is for: its key ends in {@code -<version>.arrow}. */
  private static final Pattern UPLOAD_VERSION = Pattern.compile("-(\\d+)\\.arrow$");

  /**
   * Polls for a shard file uploaded after {@code after} whose manifest version does not exist yet
   * (the runner is between its uploads and its commit); false on timeout.
   */
  private static boolean awaitUncommittedUpload(S3ObjectStore store, String after, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String seen = after;
    while (System.nanoTime() < deadline) {
      for (ObjectInfo o : store.list(ManifestPaths.DATA_DIR, seen)) {
        seen = o.key();
        Matcher m = UPLOAD_VERSION.matcher(o.key());
        if (m.find()
            && store.get(ManifestPaths.manifestKey(Long.parseLong(m.group(1)))).isEmpty()) {
          return true;
        }
      }
      Thread.sleep(5);
    }
    return false;
  }

  /** Uploaded shard and error files that the latest manifest does not list. */
  private static Set<String> garbage(S3ObjectStore store) {
    Set<String> keys = dataAndErrorKeys(store);
    keys.removeAll(listed(DatasetMaintenance.latest(store)));
    return keys;
  }

  /** The runner's local staging files (Arrow shards and error files being written). */
  private static long stagingFiles(Path tmp) {
    try (Stream<Path> files = Files.walk(tmp)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().startsWith("minietl-"))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path jar() {
    String jar = System.getProperty("minietl.ingest.jar");
    assertThat(jar).as("-Dminietl.ingest.jar (set by the failsafe configuration)").isNotBlank();
    Path path = Path.of(jar).toAbsolutePath();
    assertThat(path).as("the shaded jar, built at package").isRegularFile();
    return path;
  }

  /** One runner JVM: {@code java -jar etl-ingest.jar ...} with stdout and stderr in files. */
  private static final class Child {
    final String name;
    final Process process;
    final Path stdout;
    final Path stderr;

    private Child(String name, Process process, Path stdout, Path stderr) {
      this.name = name;
      this.process = process;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    static Child start(
        Path workDir, String name, List<String> args, Map<String, String> env, Path tmp)
        throws IOException {
      Path stdout = workDir.resolve(name + ".out");
      Path stderr = workDir.resolve(name + ".err");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          List.of(
              "-Xmx256m",
              "-XX:+UseSerialGC",
              "-XX:TieredStopAtLevel=1",
              "-Djava.io.tmpdir=" + tmp,
              "-jar",
              jar().toString()));
      command.addAll(args);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      builder.environment().putAll(env);
      return new Child(name, builder.start(), stdout, stderr);
    }

    List<String> lines() {
      try {
        return Files.readAllLines(stdout, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Polls stdout until a line matches; fails if the process exits first or time runs out. */
    void awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (lines().stream().noneMatch(wanted)) {
        assertThat(process.isAlive())
            .as(
                "%s exited (%s) before the expected line; see %s and %s",
                name, exitOf(), stdout, stderr)
            .isTrue();
        assertThat(System.nanoTime())
            .as("%s: no expected line after %s; see %s", name, timeout, stdout)
            .isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    private String exitOf() {
      return process.isAlive() ? "alive" : "exit " + process.exitValue();
    }

    /** SIGKILL; returns the exit status once the process is gone. */
    int killHard() throws InterruptedException {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("%s gone after SIGKILL", name).isTrue();
      return process.exitValue();
    }

    /** Waits for the process to exit by itself; kills it and fails on timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(name + " did not exit within " + timeout + "; see " + stdout);
      }
      return process.exitValue();
    }
  }

  /** {@code env} plus the test-only setting that lets gc take a grace period below 1h. */
  private static Map<String, String> withShortGrace(Map<String, String> env) {
    Map<String, String> out = new java.util.HashMap<>(env);
    out.put("MINIETL_TESTING_GC_MINIMUM_GRACE", "0s");
    return out;
  }
}
