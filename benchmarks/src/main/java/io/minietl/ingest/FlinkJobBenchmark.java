package io.minietl.ingest;

import io.minietl.bench.BenchmarkFiles;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.KinesisStreams;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The Flink job against the runner and the bare drain loop on the same kinesalite data (issue 8,
 * "Benchmark"). Not JMH: one pipeline run is one measurement. It reuses {@link EndToEndBenchmark}'s
 * put, ceiling and child-JVM runs (hence this package), on one stream filled once:
 *
 * <ol>
 *   <li>Puts N ~5 KB articles into a fresh 4-shard kinesalite stream (PutRecords × 500).
 *   <li>(a) the ceiling: the e2e harness's bare GetRecords loop, one thread per shard, both page
 *       sizes, the faster counts.
 *   <li>(b) {@code java -jar etl-ingest.jar run --stop-when-idle 2s}, default options.
 *   <li>(d), (e) {@code java -jar etl-flink.jar run --parallelism 1|2 --checkpoint-interval C
 *       --stop-when-idle 2s} (local mode: an embedded MiniCluster in the child JVM).
 * </ol>
 *
 * <p>Each consumer writes a fresh dataset. Its time is from its {@code run:} line (as this JVM
 * reads it; the Flink job prints it before its MiniCluster starts, so that start is counted) to the
 * {@code committedAt} of the manifest version that holds the N-th row: the idle wait at the end is
 * not counted, the commit of the last record is. Both clocks are this machine's. CPU seconds are
 * the whole child JVM's (JVM and MiniCluster start and the idle wait included) and kinesalite's.
 * The runs alternate a, b, d, e, a, b, …; the shortest of each counts.
 *
 * <p>Checkpoint to commit: each Flink writer uploads its files at the checkpoint barrier under keys
 * that start with the barrier's wall-clock millisecond ({@code part-<13 digits>-…}); a version's
 * latency is its {@code committedAt} minus the earliest of those in it: barrier at the first writer
 * → upload → every acknowledgement → checkpoint complete → the committer's conditional PUT.
 *
 * <p>Run: {@code benchmarks/run-flink-benchmark.sh} ({@code --help} lists the options).
 */
public final class FlinkJobBenchmark {
  static final String DOCS_SECTION = "flink-benchmark";
  private static final Pattern PART_MILLIS = Pattern.compile("/part-(\\d{13})-");

  /** One consumer's run, with what its manifests say. */
  record Measured(
      String name,
      EndToEndBenchmark.RunnerRun run,
      double secondsToLastCommit,
      int commits,
      List<Long> latenciesMillis) {
    double recordsPerSecond(long records) {
      return records / secondsToLastCommit;
    }
  }

  private final Map<String, String> a;
  private final int records;
  private final int repeats;
  private final Duration checkpointInterval;
  private final Path workDir;

  private FlinkJobBenchmark(Map<String, String> a) {
    this.a = a;
    this.records = Integer.parseInt(a.getOrDefault("records", "20000"));
    this.repeats = Integer.parseInt(a.getOrDefault("repeats", "2"));
    this.checkpointInterval =
        Duration.ofMillis(Long.parseLong(a.getOrDefault("checkpoint-ms", "2000")));
    this.workDir =
        Paths.get(a.getOrDefault("work-dir", "benchmarks/target/flink")).toAbsolutePath();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "Invalid argument '"
                + args[i]
                + "': FlinkJobBenchmark --runner-jar J --flink-jar J [--records N] [--repeats R]"
                + " [--checkpoint-ms MS] [--work-dir D] [--out F] [--docs F] [--command T]"
                + " [--machine T]");
      }
      a.put(args[i].substring(2), args[++i]);
    }
    System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
    new FlinkJobBenchmark(a).run();
    System.exit(0);
  }

  private void run() throws Exception {
    Files.createDirectories(workDir);
    Path runnerJar = Paths.get(require("runner-jar")).toAbsolutePath();
    Path flinkJar = Paths.get(require("flink-jar")).toAbsolutePath();
    String command = a.getOrDefault("command", "benchmarks/run-flink-benchmark.sh");
    int idle = 2;
    EndToEndBenchmark e2e =
        new EndToEndBenchmark(
            new EndToEndBenchmark.Settings(
                records,
                4,
                runnerJar,
                "1g",
                repeats,
                List.of(),
                idle,
                0,
                workDir,
                null,
                null,
                command,
                a.getOrDefault("machine", "")));
    try (KinesisEmulator kinesis =
            KinesisEmulator.builder(KinesisFlavor.KINESALITE)
                .maxHeapMb(4096)
                .logDirectory(workDir)
                .start();
        S3Emulator s3 = S3Emulator.start()) {
      e2e.emulatorPid = kinesis.pid();
      Map<String, String> env = new LinkedHashMap<>(kinesis.environment());
      env.putAll(s3.environment());
      AwsClients aws = AwsClients.builder().environment(env).build();
      String stream = KinesisStreams.uniqueStreamName("flink-bench");
      kinesis.createStream(stream, 4);
      String bucket = s3.createBucket(S3Emulator.uniqueBucketName("flink-bench"));
      EndToEndBenchmark.Rate put = e2e.put(kinesis.client(), stream);
      System.out.println("put: " + EndToEndBenchmark.describe(put));

      List<EndToEndBenchmark.Rate> ceilings = new ArrayList<>();
      Map<String, List<Measured>> runs = new LinkedHashMap<>();
      String cp = checkpointInterval.toMillis() + "ms";
      try (KinesisClient client = aws.newKinesisClient()) {
        for (int i = 1; i <= repeats; i++) {
          ceilings.add(e2e.drain(client, stream, false));
          ceilings.add(e2e.drain(client, stream, true));
          System.out.println("ceiling " + i + ": " + EndToEndBenchmark.describe(best(ceilings)));
          measure(
              runs, "(b) etl-ingest runner", e2e, env, stream, bucket, s3, i, runnerJar, List.of());
          for (int p : new int[] {1, 2}) {
            measure(
                runs,
                "(" + (p == 1 ? "d" : "e") + ") etl-flink, parallelism " + p,
                e2e,
                env,
                stream,
                bucket,
                s3,
                i,
                flinkJar,
                List.of(
                    "--parallelism",
                    Integer.toString(p),
                    "--checkpoint-interval",
                    cp,
                    "--writer-id",
                    "flink-bench-p" + p + "-" + i));
          }
        }
      }
      String section = report(put, best(ceilings), runs, command, a.getOrDefault("machine", ""));
      System.out.println();
      System.out.println(section);
      if (a.containsKey("out")) {
        Files.writeString(Paths.get(a.get("out")), section, StandardCharsets.UTF_8);
      }
      if (a.containsKey("docs")) {
        BenchmarkFiles.replaceSection(Paths.get(a.get("docs")), DOCS_SECTION, section);
        System.out.println("Wrote the section into " + a.get("docs"));
      }
    }
  }

  private void measure(
      Map<String, List<Measured>> runs,
      String name,
      EndToEndBenchmark e2e,
      Map<String, String> env,
      String stream,
      String bucket,
      S3Emulator s3,
      int round,
      Path jar,
      List<String> args)
      throws Exception {
    String dir = name.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "") + "-" + round;
    EndToEndBenchmark.RunnerRun r = e2e.runChild(env, stream, bucket, dir, "1g", s3, jar, args);
    if (!r.completed(records) || r.runLineAt() == null) {
      throw new IllegalStateException(name + " run " + round + " did not complete: " + r);
    }
    ManifestLog log =
        new ManifestLog(
            S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/" + dir)));
    long latest = log.load().version();
    long rows = 0;
    Instant last = null;
    int commits = 0;
    List<Long> latencies = new ArrayList<>();
    for (long v = 1; v <= latest; v++) {
      Manifest m = log.read(v).orElseThrow();
      commits++;
      long before = rows;
      rows += m.addedShards().stream().mapToLong(s -> s.rows()).sum();
      if (before < records && rows >= records) {
        last = m.committedAt();
      }
      long barrier = Long.MAX_VALUE;
      List<String> keys = new ArrayList<>();
      m.addedShards().forEach(s -> keys.add(s.path()));
      m.addedErrorFiles().forEach(f -> keys.add(f.path()));
      for (String k : keys) {
        Matcher matcher = PART_MILLIS.matcher(k);
        if (matcher.find()) {
          barrier = Math.min(barrier, Long.parseLong(matcher.group(1)));
        }
      }
      if (barrier != Long.MAX_VALUE) {
        latencies.add(m.committedAt().toEpochMilli() - barrier);
      }
    }
    double seconds = Duration.between(r.runLineAt(), last).toNanos() / 1e9;
    Measured measured = new Measured(name, r, seconds, commits, latencies);
    runs.computeIfAbsent(name, k -> new ArrayList<>()).add(measured);
    System.out.printf(
        Locale.ROOT,
        "%s, run %d: %.2f s to the last commit, %,.0f rec/s, %d commits, CPU s %.1f (child) %.1f"
            + " (kinesalite)%n",
        name,
        round,
        seconds,
        measured.recordsPerSecond(records),
        commits,
        r.rate().clientCpu(),
        r.rate().emulatorCpu());
  }

  private String report(
      EndToEndBenchmark.Rate put,
      EndToEndBenchmark.Rate ceiling,
      Map<String, List<Measured>> runs,
      String command,
      String machine) {
    long bytes = EndToEndBenchmark.payloadBytes(records);
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "Measured with `%s`: %,d records of ~%.1f KB (%.1f MB), 4-shard kinesalite stream,"
                + " every consumer a child JVM with `-Xmx1g` and `--stop-when-idle 2s`, the job"
                + " with checkpoints every %d ms. %s%n%n",
            command,
            records,
            bytes / 1e3 / records,
            bytes / 1e6,
            checkpointInterval.toMillis(),
            machine));
    s.append(
        "| consumer | seconds | records/s | MB/s | CPU s: consumer JVM | CPU s: kinesalite |"
            + " vs (a) | vs (b) | commits | checkpoint → commit, median / max |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    s.append(
        String.format(
            Locale.ROOT,
            "| put (PutRecords × 500, one thread) | %.2f | %,.0f | %.1f | %.1f | %.1f | | | | |%n",
            put.seconds(),
            put.recordsPerSecond(),
            put.megabytesPerSecond(),
            put.clientCpu(),
            put.emulatorCpu()));
    s.append(
        String.format(
            Locale.ROOT,
            "| (a) bare GetRecords loop, 4 threads (best of %d) | %.2f | %,.0f | %.1f | %.1f | %.1f"
                + " | 1.00 | | | |%n",
            2 * repeats,
            ceiling.seconds(),
            ceiling.recordsPerSecond(),
            ceiling.megabytesPerSecond(),
            ceiling.clientCpu(),
            ceiling.emulatorCpu()));
    Measured runner = bestOf(runs.get("(b) etl-ingest runner"));
    for (Map.Entry<String, List<Measured>> e : runs.entrySet()) {
      List<Measured> all = e.getValue();
      Measured b = bestOf(all);
      double rate = b.recordsPerSecond(records);
      List<Long> lat = new ArrayList<>();
      all.forEach(m -> lat.addAll(m.latenciesMillis()));
      lat.sort(Long::compare);
      boolean flink = e.getKey().contains("etl-flink");
      StringBuilder each = new StringBuilder();
      for (Measured m : all) {
        each.append(each.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%.2f", m.secondsToLastCommit()));
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| %s (best of %d: %s s) | %.2f | %,.0f | %.1f | %.1f | %.1f | %.2f | %.2f | %d | %s |%n",
              e.getKey(),
              all.size(),
              each,
              b.secondsToLastCommit(),
              rate,
              bytes / b.secondsToLastCommit() / 1e6,
              b.run().rate().clientCpu(),
              b.run().rate().emulatorCpu(),
              rate / ceiling.recordsPerSecond(),
              rate / runner.recordsPerSecond(records),
              b.commits(),
              flink && !lat.isEmpty()
                  ? String.format(
                      Locale.ROOT,
                      "%d / %d ms (%d commits)",
                      lat.get(lat.size() / 2),
                      lat.get(lat.size() - 1),
                      lat.size())
                  : "–"));
    }
    s.append('\n');
    return s.toString();
  }

  private static EndToEndBenchmark.Rate best(List<EndToEndBenchmark.Rate> rates) {
    EndToEndBenchmark.Rate b = rates.get(0);
    for (EndToEndBenchmark.Rate r : rates) {
      if (r.seconds() < b.seconds()) {
        b = r;
      }
    }
    return b;
  }

  private static Measured bestOf(List<Measured> runs) {
    Measured b = runs.get(0);
    for (Measured m : runs) {
      if (m.secondsToLastCommit() < b.secondsToLastCommit()) {
        b = m;
      }
    }
    return b;
  }

  private String require(String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("Invalid arguments: --" + key + " is required");
    }
    return v;
  }
}
