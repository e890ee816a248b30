package io.minietl.ingest;

import io.minietl.bench.BenchmarkFiles;
import io.minietl.bench.SampleArticles;
import io.minietl.core.manifest.DatasetState;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.KinesisStreams;
import io.minietl.testing.S3Emulator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End-to-end benchmark of the ingest runner on the local stack (issue 3, "Benchmark" and "Bounded
 * memory"). Not JMH: one pipeline run is one measurement.
 *
 * <ol>
 *   <li>Starts kinesalite (a Node child process) and s3proxy (in this JVM, in memory).
 *   <li>Puts N ~5 KB articles ({@link SampleArticles#articleJson(long)}) into a fresh stream of 4
 *       shards with PutRecords batches of 500, retrying failed entries; reports the put rate.
 *   <li>(a) Ceiling: drains every shard with a bare GetRecords loop, one thread per shard, from
 *       TRIM_HORIZON until a page is empty with MillisBehindLatest 0, no pause between calls,
 *       nothing done with the data; the Kinesis client is the runner's own ({@link
 *       AwsClients#newKinesisClient()}: Apache 5 client, same timeouts and retries, CBOR off).
 *       Twice per round: with {@code Limit} 10,000 on every call, and with pages sized like the
 *       runner's (8 MiB over the last page's average record size); the faster of all is the
 *       ceiling.
 *   <li>(b) Runs {@code java -Xmx.. -jar etl-ingest.jar run --stop-when-idle 2s} as a child JVM on
 *       the same stream into a fresh dataset, with default options. Its time is from the child's
 *       {@code run:} line to its {@code final:} line (as this JVM reads them), minus the idle wait:
 *       the runner exits {@code idle} after the last record was processed, and the final commit
 *       (upload of the last shard and its manifest) stays counted. The dataset must then hold N
 *       rows (its latest manifest), or the run fails. (a) and (b) alternate {@code --repeats} times
 *       (default 3); the shortest of each counts, every run is reported. CPU seconds (user +
 *       system, {@code /proc/PID/stat}) of the consumer and of kinesalite are reported beside the
 *       rates: on a shared machine they are the steadier figure.
 *   <li>(c) Runs the same runner code ({@link IngestRunner} with default options and the CLI's AWS
 *       clients) in this JVM, after one uncounted warm-up run: what a runner that has been up for a
 *       while achieves, without the JIT warm-up a fresh JVM pays in (b). Timed the same way, from
 *       {@code run()} to its return minus the idle wait; its CPU column is this whole JVM's
 *       (s3proxy included), an upper bound. (a), (b) and (c) alternate.
 *   <li>Memory: the same run as (b) with each {@code -Xmx} of a ladder; for each, whether it
 *       completed (exit 0 and N rows), peak heap occupancy (the largest "before" of {@code
 *       -Xlog:gc} and the heap used at exit), and peak RSS ({@code VmHWM} of {@code
 *       /proc/<pid>/status}, sampled every 20 ms until the process exits).
 * </ol>
 *
 * <p>Prints a Markdown section and optionally writes it into a file between {@code <!--
 * e2e-benchmark:start -->} and {@code <!-- e2e-benchmark:end -->}.
 *
 * <p>Run: {@code benchmarks/run-e2e-benchmark.sh} (builds the jars, sets the repository root and
 * writes docs/PERFORMANCE.md); {@code --help} lists the options.
 */
public final class EndToEndBenchmark {
  static final String DOCS_SECTION = "e2e-benchmark";
  private static final int PUT_BATCH = 500;
  private static final int GET_LIMIT = 10_000;
  private static final Pattern GC_LINE =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern HEAP_AT_EXIT = Pattern.compile("total (\\d+)K, used (\\d+)K");

  private final Settings settings;
  // The kinesalite process whose CPU each phase reports; FlinkJobBenchmark sets it too.
  long emulatorPid = -1;

  // Package-private: FlinkJobBenchmark reuses the put, the ceiling and the child-JVM runs.
  EndToEndBenchmark(Settings settings) {
    this.settings = settings;
  }

  /** Command-line settings. */
  record Settings(
      int records,
      int shards,
      Path jar,
      String throughputXmx,
      int repeats,
      List<String> ladder,
      int idleSeconds,
      int recordsPerCall,
      Path workDir,
      Path out,
      Path docs,
      String command,
      String machine) {}

  /**
   * A timed phase: records and payload bytes over seconds, and the CPU seconds (user + system) the
   * consumer (or producer) process and kinesalite spent in it; NaN when not measured.
   */
  record Rate(long records, long bytes, double seconds, double clientCpu, double emulatorCpu) {
    double recordsPerSecond() {
      return records / seconds;
    }

    double megabytesPerSecond() {
      return bytes / seconds / 1e6;
    }
  }

  /** One child runner run; {@code runLineAt} is when its {@code run:} line came (wall clock). */
  record RunnerRun(
      Instant runLineAt,
      String xmx,
      int exitCode,
      long rows,
      Rate rate,
      double runnerReportedSeconds,
      double wallSeconds,
      long peakHeapUsedKb,
      long peakHeapCommittedKb,
      long peakRssKb,
      String failure) {
    boolean completed(long expected) {
      return exitCode == 0 && rows == expected;
    }
  }

  public static void main(String[] args) throws Exception {
    Settings settings = parse(args);
    System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
    new EndToEndBenchmark(settings).run();
    System.exit(0); // s3proxy's and the SDK's non-daemon threads are closed, but be sure
  }

  private void run() throws Exception {
    Files.createDirectories(settings.workDir());
    try (KinesisEmulator kinesis =
            KinesisEmulator.builder(KinesisFlavor.KINESALITE)
                .maxHeapMb(4096)
                .logDirectory(settings.workDir())
                .start();
        S3Emulator s3 = S3Emulator.start()) {
      System.out.println("kinesalite: " + kinesis + "; " + s3);
      emulatorPid = kinesis.pid();
      Map<String, String> env = new LinkedHashMap<>(kinesis.environment());
      env.putAll(s3.environment());
      AwsClients aws = AwsClients.builder().environment(env).build();
      String stream = KinesisStreams.uniqueStreamName("e2e");
      kinesis.createStream(stream, settings.shards());
      String bucket = s3.createBucket(S3Emulator.uniqueBucketName("e2e"));

      Rate put = put(kinesis.client(), stream);
      System.out.printf(Locale.ROOT, "put: %s%n", describe(put));

      List<Rate> ceilings = new ArrayList<>();
      List<Rate> pagedCeilings = new ArrayList<>();
      try (KinesisClient client = aws.newKinesisClient()) {
        // (a) and (b) alternate, so that other load on the machine hits both alike; the best
        // (shortest) of each counts, the usual defence against interference.
        List<RunnerRun> runs = new ArrayList<>();
        List<Rate> warmRuns = new ArrayList<>();
        // (c) needs a JIT-warm runner in this JVM: one run into a scratch dataset first.
        Rate warmUp = runInProcess(aws, stream, bucket, "warm-up");
        System.out.printf(Locale.ROOT, "warm-up (not counted): %s%n", describe(warmUp));
        for (int i = 1; i <= settings.repeats(); i++) {
          ceilings.add(drain(client, stream, false));
          System.out.printf(Locale.ROOT, "ceiling %d: %s%n", i, describe(ceilings.get(i - 1)));
          pagedCeilings.add(drain(client, stream, true));
          System.out.printf(
              Locale.ROOT, "ceiling %d, 8 MiB pages: %s%n", i, describe(pagedCeilings.get(i - 1)));
          RunnerRun r =
              runRunner(env, stream, bucket, "throughput-" + i, settings.throughputXmx(), s3);
          System.out.println("runner " + i + ": " + r);
          runs.add(r);
          warmRuns.add(runInProcess(aws, stream, bucket, "warm-" + i));
          System.out.printf(Locale.ROOT, "warm %d: %s%n", i, describe(warmRuns.get(i - 1)));
        }
        RunnerRun main = runs.get(0);
        for (RunnerRun r : runs) {
          if (!r.completed(settings.records())) {
            main = r; // a failed run is reported, never hidden behind a good one
            break;
          }
          if (r.rate().seconds() < main.rate().seconds()) {
            main = r;
          }
        }

        List<RunnerRun> ladder = new ArrayList<>();
        for (String xmx : settings.ladder()) {
          RunnerRun r = runRunner(env, stream, bucket, "xmx-" + xmx, xmx, s3);
          System.out.println("ladder: " + r);
          ladder.add(r);
        }
        String section = report(put, ceilings, pagedCeilings, runs, main, warmRuns, ladder);
        System.out.println();
        System.out.println(section);
        if (settings.out() != null) {
          Files.writeString(settings.out(), section, StandardCharsets.UTF_8);
        }
        if (settings.docs() != null) {
          BenchmarkFiles.replaceSection(settings.docs(), DOCS_SECTION, section);
          System.out.println("Wrote the section into " + settings.docs());
        }
        if (!main.completed(settings.records())) {
          throw new IllegalStateException("The throughput run did not complete: " + main);
        }
      }
    }
  }

  // ---- (1) put -------------------------------------------------------------------------------

  Rate put(KinesisClient client, String stream) {
    long bytes = 0;
    double cpu0 = ownCpuSeconds();
    double emu0 = cpuSeconds(emulatorPid);
    long started = System.nanoTime();
    List<PutRecordsRequestEntry> batch = new ArrayList<>(PUT_BATCH);
    for (int i = 0; i < settings.records(); i++) {
      byte[] data = SampleArticles.articleJson(i);
      bytes += data.length;
      batch.add(
          PutRecordsRequestEntry.builder()
              .partitionKey("article-" + i)
              .data(SdkBytes.fromByteArrayUnsafe(data))
              .build());
      if (batch.size() == PUT_BATCH || i == settings.records() - 1) {
        KinesisStreams.putRecords(client, stream, batch); // retries failed entries
        batch = new ArrayList<>(PUT_BATCH);
      }
    }
    return new Rate(
        settings.records(),
        bytes,
        seconds(started),
        ownCpuSeconds() - cpu0,
        cpuSeconds(emulatorPid) - emu0);
  }

  // ---- (a) ceiling ---------------------------------------------------------------------------

  /**
   * The bare loop. With {@code bytePages} each call's Limit is sized like the runner's ({@link
   * IngestOptions#callBytes()}, default 8 MiB, over the last page's average record size; 100 on the
   * first call); otherwise it is always {@value #GET_LIMIT}. Which is faster depends on the
   * emulator (it serialises a 50 MB page slower per byte than an 8 MB one), so both run and the
   * faster counts as the ceiling.
   */
  Rate drain(KinesisClient client, String stream, boolean bytePages) throws Exception {
    long callBytes = IngestOptions.builder().build().callBytes();
    List<Shard> shards = KinesisStreams.listShards(client, stream);
    ExecutorService pool = Executors.newFixedThreadPool(shards.size());
    AtomicLong records = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    double cpu0 = ownCpuSeconds();
    double emu0 = cpuSeconds(emulatorPid);
    long started = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Shard shard : shards) {
        done.add(
            pool.submit(
                () -> {
                  String iterator =
                      client
                          .getShardIterator(
                              b ->
                                  b.streamName(stream)
                                      .shardId(shard.shardId())
                                      .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                          .shardIterator();
                  int limit = bytePages ? 100 : GET_LIMIT;
                  while (iterator != null) {
                    GetRecordsRequest request =
                        GetRecordsRequest.builder().shardIterator(iterator).limit(limit).build();
                    GetRecordsResponse page;
                    try {
                      page = client.getRecords(request);
                    } catch (ProvisionedThroughputExceededException e) {
                      continue; // kinesalite does not throttle; keep the loop bare anyway
                    }
                    long b = 0;
                    for (Record r : page.records()) {
                      b += r.data().asByteArrayUnsafe().length;
                    }
                    records.addAndGet(page.records().size());
                    bytes.addAndGet(b);
                    if (bytePages && !page.records().isEmpty()) {
                      long average = Math.max(1, b / page.records().size());
                      limit = (int) Math.max(1, Math.min(GET_LIMIT, callBytes / average));
                    }
                    iterator = page.nextShardIterator();
                    Long behind = page.millisBehindLatest();
                    if (page.records().isEmpty() && (behind == null || behind == 0L)) {
                      break;
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    double elapsed = seconds(started);
    Rate rate =
        new Rate(
            records.get(),
            bytes.get(),
            elapsed,
            ownCpuSeconds() - cpu0,
            cpuSeconds(emulatorPid) - emu0);
    if (rate.records() != settings.records()) {
      throw new IllegalStateException(
          "Invalid drain: read " + rate.records() + " records, put " + settings.records());
    }
    return rate;
  }

  // ---- (b) the runner as a child JVM ---------------------------------------------------------

  private RunnerRun runRunner(
      Map<String, String> awsEnv,
      String stream,
      String bucket,
      String name,
      String xmx,
      S3Emulator s3)
      throws Exception {
    List<String> args = new ArrayList<>();
    if (settings.recordsPerCall() > 0) {
      args.addAll(List.of("--records-per-call", Integer.toString(settings.recordsPerCall())));
    }
    return runChild(awsEnv, stream, bucket, name, xmx, s3, settings.jar(), args);
  }

  /**
   * {@code java -jar JAR run --stream S --dataset s3://B/NAME --stop-when-idle I ARGS} as a child
   * JVM, timed and sampled as (b): the runner's jar, or another with the runner's command line and
   * output lines (etl-flink's).
   */
  RunnerRun runChild(
      Map<String, String> awsEnv,
      String stream,
      String bucket,
      String name,
      String xmx,
      S3Emulator s3,
      Path jar,
      List<String> args)
      throws Exception {
    Path dir = settings.workDir().resolve(name);
    BenchmarkFiles.deleteTree(dir);
    Files.createDirectories(dir.resolve("tmp"));
    Path gcLog = dir.resolve("gc.log");
    Path stdout = dir.resolve("stdout.log");
    Path stderr = dir.resolve("stderr.log");
    URI dataset = URI.create("s3://" + bucket + "/" + name);
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    String extra = System.getProperty("e2e.runnerJvmArgs", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+"))); // e.g. a JFR recording, for profiling
    }
    command.addAll(
        List.of(
            "-Xmx" + xmx,
            "-XX:+ExitOnOutOfMemoryError",
            "-Xlog:gc,gc+heap+exit:file=" + gcLog,
            "-Djava.io.tmpdir=" + dir.resolve("tmp"),
            "-jar",
            jar.toString(),
            "run",
            "--stream",
            stream,
            "--dataset",
            dataset.toString(),
            "--stop-when-idle",
            settings.idleSeconds() + "s"));
    command.addAll(args);
    String extraArgs = System.getProperty("e2e.runnerArgs", "").strip();
    if (!extraArgs.isEmpty()) {
      command.addAll(List.of(extraArgs.split("\\s+"))); // e.g. --progress-interval 1s
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("MINIETL_") || k.startsWith("AWS_"));
    env.putAll(awsEnv);
    System.out.println("runner (" + name + "): " + String.join(" ", command));
    long launched = System.nanoTime();
    Process p = pb.start();
    long[] peakRss = {0};
    double[] childCpu = {0};
    double emu0 = cpuSeconds(emulatorPid);
    Thread sampler =
        new Thread(
            () -> {
              Path status = Paths.get("/proc", Long.toString(p.pid()), "status");
              while (p.isAlive()) {
                peakRss[0] = Math.max(peakRss[0], vmHwmKb(status));
                childCpu[0] = Math.max(childCpu[0], cpuSeconds(p.pid()));
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-" + name);
    sampler.setDaemon(true);
    sampler.start();
    long runAt = -1;
    Instant runLineAt = null;
    long finalAt = -1;
    double reported = Double.NaN;
    Pattern finalPattern = Pattern.compile("^final: .* in ([0-9.]+) s,");
    List<String> lines = new ArrayList<>();
    long timeoutSeconds = Math.max(300, settings.records() / 50L);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        long now = System.nanoTime();
        lines.add(String.format(Locale.ROOT, "[%7.3f s] %s", (now - launched) / 1e9, line));
        if (line.startsWith("run: ")) {
          runAt = now;
          runLineAt = Instant.now();
        } else if (line.startsWith("final: ")) {
          finalAt = now;
          Matcher m = finalPattern.matcher(line);
          if (m.find()) {
            reported = Double.parseDouble(m.group(1));
          }
        }
        if (seconds(launched) > timeoutSeconds) {
          break;
        }
      }
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    double wall = seconds(launched);
    sampler.join(1000);
    double emulatorCpu = cpuSeconds(emulatorPid) - emu0;
    Files.write(stdout, lines, StandardCharsets.UTF_8);
    int exit = p.exitValue();
    long rows = -1;
    String failure = null;
    try {
      S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
      DatasetState state = DatasetMaintenance.latest(store);
      rows = state.totalRows();
    } catch (RuntimeException e) {
      failure = "cannot read the dataset: " + e.getMessage();
    }
    if (exit != 0) {
      String oom = null;
      for (String l : lines) {
        if (l.contains("OutOfMemoryError")) {
          oom = l.substring(l.indexOf("java.lang.OutOfMemoryError"));
        }
      }
      failure = oom != null ? "failed: " + oom : "exit " + exit + ": " + lastLine(stderr);
    } else if (rows != settings.records()) {
      failure = "dataset has " + rows + " rows, expected " + settings.records();
    }
    Rate rate = null;
    if (runAt >= 0 && finalAt >= 0) {
      double busy = (finalAt - runAt) / 1e9 - settings.idleSeconds();
      long bytes = payloadBytes(settings.records());
      rate = new Rate(rows < 0 ? 0 : rows, bytes, busy, childCpu[0], emulatorCpu);
    }
    long[] heap = peakHeapKb(gcLog);
    BenchmarkFiles.deleteTree(dir.resolve("tmp"));
    return new RunnerRun(
        runLineAt, xmx, exit, rows, rate, reported, wall, heap[0], heap[1], peakRss[0], failure);
  }

  // ---- (c) the runner in this JVM, warm ---------------------------------------------------------

  /**
   * The runner's own code ({@link IngestRunner}, default options, the CLI's AWS clients) in this
   * JVM, after its JIT has warmed up: what a runner that has been up for a while does per record.
   * Timed like (b): from {@code run()} to its return, minus the idle wait. CPU is this JVM's,
   * s3proxy included (it shares the process), so it is an upper bound of the runner's.
   */
  private Rate runInProcess(AwsClients aws, String stream, String bucket, String name)
      throws IOException {
    Path temp = settings.workDir().resolve(name);
    BenchmarkFiles.deleteTree(temp);
    Files.createDirectories(temp);
    URI dataset = URI.create("s3://" + bucket + "/" + name);
    IngestOptions.Builder options =
        IngestOptions.builder()
            .tempDir(temp)
            .stopWhenIdle(Duration.ofSeconds(settings.idleSeconds()));
    if (settings.recordsPerCall() > 0) {
      options.recordsPerCall(settings.recordsPerCall());
    }
    try (KinesisClient kinesis = aws.newKinesisClient();
        S3Client s3 = aws.newS3Client()) {
      S3ObjectStore store = S3ObjectStore.create(s3, dataset);
      IngestRunner runner =
          IngestRunner.create(
              KinesisStreamProxy.create(kinesis, stream), store, options.build(), l -> {});
      double cpu0 = ownCpuSeconds();
      double emu0 = cpuSeconds(emulatorPid);
      Map<String, Double> threads0 = threadCpuSeconds();
      // Sampled during the run, so that threads that end with it (the fetchers) are counted.
      Map<String, Double> lastByTid = new ConcurrentHashMap<>();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> threadCpuSeconds(lastByTid), 0, 50, TimeUnit.MILLISECONDS);
      long started = System.nanoTime();
      RunSummary summary = runner.run();
      sampler.shutdown();
      System.out.println(
          name + " CPU s by thread: " + threadCpuDelta(threads0, threadCpuSeconds(lastByTid)));
      double busy = seconds(started) - settings.idleSeconds();
      Rate rate =
          new Rate(
              summary.rowsWritten(),
              payloadBytes(settings.records()),
              busy,
              ownCpuSeconds() - cpu0,
              cpuSeconds(emulatorPid) - emu0);
      long rows = DatasetMaintenance.latest(store).totalRows();
      if (rows != settings.records()) {
        throw new IllegalStateException(
            "In-process run "
                + name
                + ": dataset has "
                + rows
                + " rows, expected "
                + settings.records());
      }
      return rate;
    } finally {
      BenchmarkFiles.deleteTree(temp);
    }
  }

  /**
   * CPU seconds of this JVM's threads by name (digits folded), from /proc/self/task, keyed by
   * thread id so that a sampler can keep threads that have ended (their last reading).
   */
  static Map<String, Double> threadCpuSeconds(Map<String, Double> lastByTid) {
    try (Stream<Path> tasks = Files.list(Paths.get("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "N");
          String stat = Files.readString(task.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
          lastByTid.put(task.getFileName() + " " + name, cpu);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Double> byName = new HashMap<>();
    lastByTid.forEach((k, v) -> byName.merge(k.substring(k.indexOf(' ') + 1), v, Double::sum));
    return byName;
  }

  static Map<String, Double> threadCpuSeconds() {
    return threadCpuSeconds(new HashMap<>());
  }

  private static String threadCpuDelta(Map<String, Double> before, Map<String, Double> after) {
    StringBuilder s = new StringBuilder();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() >= 0.05)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> s.append(String.format(Locale.ROOT, "%s %.2f; ", e.getKey(), e.getValue())));
    return s.toString();
  }

  /** User + system CPU seconds of a process from /proc/PID/stat (clock ticks of 1/100 s). */
  static double cpuSeconds(long pid) {
    if (pid < 0) {
      return Double.NaN;
    }
    try {
      String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14, 15
    } catch (IOException | RuntimeException e) {
      return 0; // the process has exited
    }
  }

  private static double ownCpuSeconds() {
    return cpuSeconds(ProcessHandle.current().pid());
  }

  private static long vmHwmKb(Path status) {
    try (Stream<String> lines = Files.lines(status)) {
      return lines
          .filter(l -> l.startsWith("VmHWM:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
          .findFirst()
          .orElse(0);
    } catch (IOException | UncheckedIOException e) {
      return 0; // the process has exited
    }
  }

  /** {peak used, peak committed} in KiB from a {@code -Xlog:gc,gc+heap+exit} log. */
  static long[] peakHeapKb(Path gcLog) throws IOException {
    long used = 0;
    long committed = 0;
    if (!Files.exists(gcLog)) {
      return new long[] {0, 0};
    }
    for (String line : Files.readAllLines(gcLog, StandardCharsets.UTF_8)) {
      Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        used = Math.max(used, kb(m.group(1), m.group(2)));
        committed = Math.max(committed, kb(m.group(5), m.group(6)));
      }
      Matcher e = HEAP_AT_EXIT.matcher(line);
      if (e.find()) {
        committed = Math.max(committed, Long.parseLong(e.group(1)));
        used = Math.max(used, Long.parseLong(e.group(2)));
      }
    }
    return new long[] {used, committed};
  }

  private static long kb(String value, String unit) {
    long v = Long.parseLong(value);
    return switch (unit) {
      case "G" -> v << 20;
      case "M" -> v << 10;
      default -> v;
    };
  }

  static long payloadBytes(int records) {
    long bytes = 0;
    for (int i = 0; i < records; i++) {
      bytes += SampleArticles.articleJson(i).length;
    }
    return bytes;
  }

  // ---- report --------------------------------------------------------------------------------

  private String report(
      Rate put,
      List<Rate> ceilings,
      List<Rate> pagedCeilings,
      List<RunnerRun> runs,
      RunnerRun main,
      List<Rate> warmRuns,
      List<RunnerRun> ladder) {
    Rate ceiling = ceilings.get(0);
    for (Rate c : ceilings) {
      if (c.seconds() < ceiling.seconds()) {
        ceiling = c;
      }
    }
    for (Rate c : pagedCeilings) {
      if (c.seconds() < ceiling.seconds()) {
        ceiling = c;
      }
    }
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "Measured with `%s`: %,d records of ~%.1f KB (%s MB), %d-shard kinesalite stream,"
                + " runner `-Xmx%s`. %s%n%n",
            settings.command(),
            settings.records(),
            put.bytes() / 1e3 / put.records(),
            mb(put.bytes()),
            settings.shards(),
            main.xmx(),
            settings.machine()));
    s.append(
        "| phase | records | seconds | records/s | MB/s | CPU s: client / consumer |"
            + " CPU s: kinesalite |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|\n");
    s.append(row("put (PutRecords × 500, one thread)", put));
    for (int i = 0; i < ceilings.size(); i++) {
      for (Rate c : List.of(ceilings.get(i), pagedCeilings.get(i))) {
        s.append(
            row(
                "(a) ceiling: bare GetRecords, "
                    + settings.shards()
                    + " threads, "
                    + (c == ceilings.get(i) ? "Limit 10,000" : "8 MiB pages")
                    + ", run "
                    + (i + 1)
                    + (c == ceiling ? " (used)" : ""),
                c));
      }
    }
    for (int i = 0; i < runs.size(); i++) {
      RunnerRun r = runs.get(i);
      if (r.rate() != null) {
        s.append(
            row(
                String.format(
                    Locale.ROOT,
                    "(b) etl-ingest, `run:` → `final:` minus the %d s idle wait, run %d%s",
                    settings.idleSeconds(),
                    i + 1,
                    r == main ? " (used)" : ""),
                r.rate()));
      }
    }
    Rate warm = warmRuns.get(0);
    for (int i = 0; i < warmRuns.size(); i++) {
      if (warmRuns.get(i).seconds() < warm.seconds()) {
        warm = warmRuns.get(i);
      }
    }
    for (int i = 0; i < warmRuns.size(); i++) {
      s.append(
          row(
              String.format(
                  Locale.ROOT,
                  "(c) etl-ingest in the harness JVM, warm, minus the %d s idle wait, run %d%s",
                  settings.idleSeconds(),
                  i + 1,
                  warmRuns.get(i) == warm ? " (used)" : ""),
              warmRuns.get(i)));
    }
    if (main.rate() != null && main.completed(settings.records())) {
      s.append(ratioRow("(b)/(a): a fresh runner JVM", main.rate(), ceiling));
    } else {
      s.append("| (b) etl-ingest run | failed: ").append(main.failure()).append(" | | | | | |\n");
    }
    s.append(ratioRow("(c)/(a): a warm runner", warm, ceiling));
    s.append(
        String.format(
            Locale.ROOT,
            "%nRuns alternate a, b, c, a, b, c, …; the shortest of each counts (for (a), of both page"
                + " sizes); (c) follows one uncounted warm-up run in the same JVM. (b) used, in full: the"
                + " child JVM ran %.1f s from launch to exit (JVM start, clients,"
                + " the %d s idle wait and exit included); its own `final:` line says %.1f s"
                + " (`run()` start to after the final commit). The dataset's manifest lists %,d"
                + " rows (expected %,d).%n%n",
            main.wallSeconds(),
            settings.idleSeconds(),
            main.runnerReportedSeconds(),
            main.rows(),
            settings.records()));

    s.append(
        "Memory: the same run as (b) (fresh dataset, default options: 64 MiB buffer, 8 MiB pages,"
            + " 2048-row batches, 64 MiB target shard, ZSTD) at each `-Xmx`. Peak heap = the largest occupancy"
            + " before a GC or at exit (`-Xlog:gc,gc+heap+exit`); peak RSS = `VmHWM` of the"
            + " runner JVM (heap, metaspace, threads, Arrow's off-heap buffers, zstd).\n\n");
    s.append("| -Xmx | result | records/s | MB/s | peak heap used | heap committed | peak RSS |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|\n");
    List<RunnerRun> all = new ArrayList<>(ladder);
    all.addAll(runs);
    String smallest = null;
    long smallestMb = Long.MAX_VALUE;
    for (RunnerRun r : all) {
      boolean ok = r.completed(settings.records());
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s |%n",
              r.xmx() + (runs.contains(r) ? " (throughput run " + (runs.indexOf(r) + 1) + ")" : ""),
              ok
                  ? "completed, " + String.format(Locale.ROOT, "%,d", r.rows()) + " rows"
                  : r.failure(),
              ok && r.rate() != null
                  ? String.format(Locale.ROOT, "%,.0f", r.rate().recordsPerSecond())
                  : "–",
              ok && r.rate() != null
                  ? String.format(Locale.ROOT, "%.1f", r.rate().megabytesPerSecond())
                  : "–",
              mib(r.peakHeapUsedKb()),
              mib(r.peakHeapCommittedKb()),
              mib(r.peakRssKb())));
      long mb = xmxMb(r.xmx());
      if (ok && mb < smallestMb) {
        smallestMb = mb;
        smallest = r.xmx();
      }
    }
    s.append('\n');
    if (smallest != null) {
      RunnerRun best = null;
      for (RunnerRun r : all) {
        if (r.xmx().equals(smallest) && r.completed(settings.records())) {
          best = r;
        }
      }
      s.append(
          String.format(
              Locale.ROOT,
              "**Heap:** the default configuration (64 MiB read buffer, 8 MiB pages, 2048-row"
                  + " batches, 64 MiB target shard, ZSTD, 4 shards of ~5 KB records) completed with"
                  + " `-Xmx%s` at the smallest (of %s tried), with a peak RSS of %s; measured"
                  + " with `%s`.%n",
              smallest,
              String.join(", ", settings.ladder()),
              mib(best.peakRssKb()),
              settings.command()));
    } else {
      s.append("**Heap:** no `-Xmx` of the ladder completed.\n");
    }
    return s.toString();
  }

  private static String ratioRow(String what, Rate runner, Rate ceiling) {
    double ratio = runner.recordsPerSecond() / ceiling.recordsPerSecond();
    return String.format(
        Locale.ROOT,
        "| **ratio %s** (target ≥ 0.9) | | | **%.2f** %s | | | |%n",
        what,
        ratio,
        ratio >= 0.9 ? "PASS" : "MISS");
  }

  private static String row(String phase, Rate r) {
    return String.format(
        Locale.ROOT,
        "| %s | %,d | %.2f | %,.0f | %.1f | %.1f | %.1f |%n",
        phase,
        r.records(),
        r.seconds(),
        r.recordsPerSecond(),
        r.megabytesPerSecond(),
        r.clientCpu(),
        r.emulatorCpu());
  }

  static String describe(Rate r) {
    return String.format(
        Locale.ROOT,
        "%d records, %s MB in %.2f s: %.0f rec/s, %.1f MB/s, CPU s %.1f (client), %.1f"
            + " (kinesalite)",
        r.records(),
        mb(r.bytes()),
        r.seconds(),
        r.recordsPerSecond(),
        r.megabytesPerSecond(),
        r.clientCpu(),
        r.emulatorCpu());
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1e6);
  }

  private static String mib(long kb) {
    return kb <= 0 ? "–" : String.format(Locale.ROOT, "%d MiB", Math.round(kb / 1024.0));
  }

  static long xmxMb(String xmx) {
    String v = xmx.toLowerCase(Locale.ROOT);
    long n = Long.parseLong(v.replaceAll("[^0-9]", ""));
    if (v.endsWith("g")) {
      return n << 10;
    }
    if (v.endsWith("k")) {
      return n >> 10;
    }
    return v.endsWith("m") ? n : n >> 20;
  }

  private static String lastLine(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (!lines.get(i).isBlank()) {
          return lines.get(i).strip();
        }
      }
      return "(no output)";
    } catch (IOException e) {
      return "(cannot read " + file + ")";
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  // ---- arguments -----------------------------------------------------------------------------

  static Settings parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String k = args[i];
      if (k.equals("--help") || k.equals("-h")) {
        System.out.println(
            "EndToEndBenchmark --jar ETL_INGEST_JAR [--records 20000] [--shards 4]"
                + " [--xmx 1g] [--repeats 3] [--ladder 64m,96m,128m,192m,256m,384m,512m] [--idle 2]"
                + " [--records-per-call N (runner option for (b) and (c); default: the runner's)]"
                + " [--work-dir DIR] [--out FILE.md] [--docs FILE] [--command TEXT]"
                + " [--machine TEXT]");
        System.exit(0);
      }
      if (!k.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Invalid argument '" + k + "': see --help");
      }
      a.put(k.substring(2), args[++i]);
    }
    String jar = a.get("jar");
    if (jar == null) {
      throw new IllegalArgumentException("Invalid arguments: --jar etl-ingest.jar is required");
    }
    String ladder = a.getOrDefault("ladder", "64m,96m,128m,192m,256m,384m,512m");
    return new Settings(
        Integer.parseInt(a.getOrDefault("records", "20000")),
        Integer.parseInt(a.getOrDefault("shards", "4")),
        Paths.get(jar).toAbsolutePath(),
        a.getOrDefault("xmx", "1g"),
        Integer.parseInt(a.getOrDefault("repeats", "3")),
        ladder.isBlank() ? List.of() : List.of(ladder.split(",")),
        Integer.parseInt(a.getOrDefault("idle", "2")),
        Integer.parseInt(a.getOrDefault("records-per-call", "0")),
        Paths.get(a.getOrDefault("work-dir", "benchmarks/target/e2e")).toAbsolutePath(),
        a.containsKey("out") ? Paths.get(a.get("out")) : null,
        a.containsKey("docs") ? Paths.get(a.get("docs")) : null,
        a.getOrDefault("command", "benchmarks/run-e2e-benchmark.sh"),
        a.getOrDefault("machine", ""));
  }
}
