package io.minietl.reader;

import io.minietl.bench.BenchmarkFiles;
import io.minietl.bench.SampleArticles;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.format.ShardReader;
import io.minietl.core.format.ShardSummary;
import io.minietl.core.format.ShardWriter;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.record.RecordParser;
import io.minietl.core.storage.ObjectStore;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.S3Emulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Throughput of the training reader (issue 4): one epoch over a dataset of ZSTD shards of ~5 KB
 * articles, read (1) sequentially and shuffled, (2) from the local disk cache (warm) and from
 * s3proxy (cold, no cache), against (3) a raw Arrow IPC read of the same files as the ceiling. A
 * {@code main}, not JMH: one epoch is one measurement, and the cold/warm state is set up per run.
 *
 * <p>Run it with {@code benchmarks/run-reader-benchmark.sh} (builds the jar, notes the machine and
 * load, writes the table into docs/PERFORMANCE.md between {@code <!-- reader-benchmark:start -->}
 * and {@code <!-- reader-benchmark:end -->}), or directly:
 *
 * <pre>
 * java -Xmx2g --add-opens=java.base/java.nio=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     io.minietl.reader.ReaderBenchmark [--shards 40] [--rows-per-shard 2700] [--repeats 3] ...
 * </pre>
 *
 * <p>Method:
 *
 * <ul>
 *   <li>The dataset is written once: {@code --shards} shards of {@code --rows-per-shard} articles
 *       ({@link SampleArticles#articleJson}, parsed, default features) with {@link ShardWriter}
 *       (ZSTD, {@code --rows-per-batch} rows per record batch), each put into an in-memory s3proxy
 *       ({@link S3Emulator}, in this JVM) and written to a local directory, then committed as one
 *       manifest version.
 *   <li>Every mode reads the same columns ({@code --columns}, default {@code content,word_count})
 *       and hands them to the same consumer in slices of {@code --batch-size} rows: it sums the
 *       UTF-8 byte lengths of {@code content} (from the offset buffer) and the {@code word_count}
 *       values, and counts the rows; the sums must equal the written data's, so nothing is skipped.
 *   <li><b>raw</b>: {@link ShardReader#open(Path)} on each local file in turn, {@code select},
 *       {@code loadBatch} of every record batch, one thread: Arrow IPC + ZSTD decoding, no
 *       checksum, no planning, no copies. The ceiling.
 *   <li><b>reader</b>: {@link TrainingDataset#open(ObjectStore, DatasetOptions)} on the s3proxy
 *       store, {@code batches(spec)} with worldSize 1, one epoch drained; default options
 *       (WHOLE_SHARD, 4 fetch threads, 256 MiB prefetch). <i>cache</i>: with a disk cache filled by
 *       an earlier epoch (the run asserts 0 GETs); <i>s3proxy</i>: no cache, every shard is fetched
 *       over HTTP from s3proxy (the run asserts 0 cache hits). A new {@link TrainingDataset} per
 *       run, so nothing is held in memory from the previous one; the time runs from {@code open} to
 *       the last batch (manifest, layouts, planning included).
 *   <li>Shuffled: {@code shuffle(seed)} with the default window; epoch = the repeat number.
 *   <li>Warm-up: one run of every mode, not counted. Then {@code --repeats} rounds of all modes in
 *       turn (so other load hits all alike); the fastest run of each mode counts, the median is
 *       shown beside it.
 * </ul>
 *
 * <p>Options for experiments, not for published figures: {@code --fetch-threads N} (the reader's
 * fetch threads, default 4), {@code --modes "raw;cache, sequential"} (only these modes, no table;
 * e.g. under a profiler). The full list: {@link #parse}.
 *
 * <p>MB/s counts the uncompressed UTF-8 bytes of the {@code content} column (what a trainer
 * tokenizes), MB = 10<sup>6</sup> bytes; file MB/s counts the shard file bytes (compressed, all
 * columns, as stored).
 */
public final class ReaderBenchmark {
  static final String DOCS_SECTION = "reader-benchmark";
  private static final FeatureRegistry FEATURES = FeatureRegistry.defaults();
  private static final Instant INGESTED = Instant.parse("2026-11-20T09:00:00Z");

  private ReaderBenchmark() {}

  record Settings(
      int shards,
      int rowsPerShard,
      int rowsPerBatch,
      int batchSize,
      int repeats,
      List<String> columns,
      Path workDir,
      Path out,
      Path docs,
      String command,
      String machine,
      List<String> modes,
      int fetchThreads) {}

  /** The expected consumer sums, and the dataset's sizes. */
  record Data(long rows, long contentBytes, long wordCount, long fileBytes, List<Path> files) {}

  /** What a consumer saw. */
  static final class Sink {
    long rows;
    long contentBytes;
    long wordCount;

    void consume(VectorSchemaRoot root, int from, int to, boolean[] padding) {
      VarCharVector content = (VarCharVector) root.getVector("content");
      BaseIntVector words = (BaseIntVector) root.getVector("word_count");
      for (int r = from; r < to; r++) {
        if (padding != null && padding[r]) {
          continue;
        }
        rows++;
        contentBytes += content.getEndOffset(r) - content.getStartOffset(r);
        wordCount += words.getValueAsLong(r);
      }
    }
  }

  record Run(
      String mode,
      int repeat,
      double seconds,
      double cpuSeconds,
      double consumerCpuSeconds,
      double firstBatchSeconds,
      Sink sink,
      long gets,
      long cacheHits) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private static final java.lang.management.ThreadMXBean MAIN_CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  static final int THREADS = Runtime.getRuntime().availableProcessors();

  private static void rawRead(List<Path> files, Settings settings, Sink sink) {
    for (Path file : files) {
      try (ShardReader reader = ShardReader.open(file)) {
        reader.select(settings.columns());
        for (int b = 0; b < reader.batchCount(); b++) {
          VectorSchemaRoot root = reader.loadBatch(b);
          int n = root.getRowCount();
          for (int from = 0; from < n; from += settings.batchSize()) {
            sink.consume(root, from, Math.min(n, from + settings.batchSize()), null);
          }
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Settings settings = parse(args);
    try (S3Emulator s3 = S3Emulator.start()) {
      String bucket = s3.createBucket(S3Emulator.uniqueBucketName("reader"));
      ObjectStore store =
          S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/bench"));
      Path local = settings.workDir().resolve("shards");
      Path cache = settings.workDir().resolve("cache");
      BenchmarkFiles.deleteTree(settings.workDir());
      Files.createDirectories(local);
      long t0 = System.nanoTime();
      Data data = write(settings, store, local);
      System.out.printf(
          Locale.ROOT,
          "dataset: %d shards, %,d rows, %,d file bytes, %,d content bytes, written in %.1f s%n",
          data.files().size(),
          data.rows(),
          data.fileBytes(),
          data.contentBytes(),
          (System.nanoTime() - t0) / 1e9);

      List<String> modes =
          settings.modes() != null
              ? settings.modes()
              : List.of(
                  "raw",
                  "raw, parallel",
                  "cache, sequential",
                  "cache, shuffled",
                  "s3proxy, sequential",
                  "s3proxy, shuffled");
      Map<String, List<Run>> runs = new LinkedHashMap<>();
      modes.forEach(m -> runs.put(m, new ArrayList<>()));
      // Warm-up (JIT) and the cache fill: not counted.
      for (String mode : modes) {
        Run r = run(mode, 0, settings, store, cache, data);
        System.out.printf(Locale.ROOT, "warm-up %-22s %6.2f s%n", mode, r.seconds());
      }
      for (int i = 1; i <= settings.repeats(); i++) {
        for (String mode : modes) {
          System.gc();
          Run r = run(mode, i, settings, store, cache, data);
          runs.get(mode).add(r);
          System.out.printf(
              Locale.ROOT,
              "round %d %-22s %6.2f s (first batch %s s, CPU %5.2f s, consumer thread %5.2f s) %,10.0f rows/s %8.1f MB/s (GETs %d, cache hits"
                  + " %d)%n",
              i,
              mode,
              r.seconds(),
              Double.isNaN(r.firstBatchSeconds())
                  ? "–"
                  : String.format(Locale.ROOT, "%.3f", r.firstBatchSeconds()),
              r.cpuSeconds(),
              r.consumerCpuSeconds(),
              r.sink().rows / r.seconds(),
              r.sink().contentBytes / r.seconds() / 1e6,
              r.gets(),
              r.cacheHits());
        }
      }
      if (settings.modes() != null) {
        System.exit(0); // a partial run (for profiling): no table
      }
      String section = report(settings, data, runs);
      System.out.println();
      System.out.println(section);
      if (settings.out() != null) {
        Files.createDirectories(settings.out().toAbsolutePath().getParent());
        Files.writeString(settings.out(), section, StandardCharsets.UTF_8);
      }
      if (settings.docs() != null) {
        BenchmarkFiles.replaceSection(settings.docs(), DOCS_SECTION, section);
        System.out.println("Wrote the section into " + settings.docs());
      }
    }
    System.exit(0); // s3proxy's Jetty threads
  }

  static Run run(String mode, int repeat, Settings settings, ObjectStore store, Path cache, Data d)
      throws IOException {
    Sink sink = new Sink();
    long[] counts = {0, 0};
    long cpu0 = OS.getProcessCpuTime();
    long main0 = MAIN_CPU.getCurrentThreadCpuTime();
    long firstBatch = -1;
    long start = System.nanoTime();
    if (mode.equals("raw")) {
      rawRead(d.files(), settings, sink);
    } else if (mode.equals("raw, parallel")) {
      List<Sink> sinks = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        List<Path> mine = new ArrayList<>();
        for (int f = t; f < d.files().size(); f += THREADS) {
          mine.add(d.files().get(f));
        }
        Sink own = new Sink();
        sinks.add(own);
        Thread thread = new Thread(() -> rawRead(mine, settings, own), "raw-read-" + t);
        threads.add(thread);
        thread.start();
      }
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted", e);
        }
      }
      for (Sink own : sinks) {
        sink.rows += own.rows;
        sink.contentBytes += own.contentBytes;
        sink.wordCount += own.wordCount;
      }
    } else {
      boolean fromCache = mode.startsWith("cache");
      DatasetOptions.Builder options =
          DatasetOptions.builder().fetchThreads(settings.fetchThreads());
      if (fromCache) {
        options.cache(cache, 10L << 30);
      }
      ReadSpec.Builder spec =
          ReadSpec.builder().batchSize(settings.batchSize()).columns(settings.columns());
      if (mode.endsWith("shuffled")) {
        spec.shuffle(42).epoch(repeat);
      } else {
        spec.sequential();
      }
      try (TrainingDataset ds = TrainingDataset.open(store, options.build());
          BatchIterator it = ds.batches(spec.build())) {
        while (it.hasNext()) {
          Batch b = it.next();
          if (firstBatch < 0) {
            firstBatch = System.nanoTime() - start;
          }
          boolean[] padding = new boolean[b.size()];
          for (int i = 0; i < padding.length; i++) {
            padding[i] = b.isPadding(i);
          }
          sink.consume(b.root(), 0, b.size(), padding);
        }
        counts = ds.fetchCounts();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (OS.getProcessCpuTime() - cpu0) / 1e9;
    double mainCpu = (MAIN_CPU.getCurrentThreadCpuTime() - main0) / 1e9;
    if (sink.rows != d.rows()
        || sink.contentBytes != d.contentBytes()
        || sink.wordCount != d.wordCount()) {
      throw new IllegalStateException(
          "Invalid run of "
              + mode
              + ": read "
              + sink.rows
              + " rows, "
              + sink.contentBytes
              + " content bytes, "
              + sink.wordCount
              + " words; expected "
              + d);
    }
    if (repeat > 0 && mode.startsWith("cache") && counts[0] != 0) {
      throw new IllegalStateException("Invalid cache run: " + counts[0] + " GETs of shards");
    }
    if (mode.startsWith("s3proxy") && counts[1] != 0) {
      throw new IllegalStateException("Invalid s3proxy run: " + counts[1] + " cache hits");
    }
    return new Run(
        mode,
        repeat,
        seconds,
        cpuSeconds,
        mainCpu,
        firstBatch < 0 ? Double.NaN : firstBatch / 1e9,
        sink,
        counts[0],
        counts[1]);
  }

  static Data write(Settings settings, ObjectStore store, Path local) throws IOException {
    RecordParser parser = RecordParser.create();
    ManifestLog log = new ManifestLog(store);
    DatasetState state = log.load();
    DatasetState.NextVersion next =
        state.nextVersion().writerId("reader-benchmark").committedAt(INGESTED);
    long rows = 0;
    long contentBytes = 0;
    long words = 0;
    long fileBytes = 0;
    int wordIndex = FEATURES.names().indexOf("word_count");
    List<Path> files = new ArrayList<>();
    long seed = 1;
    for (int s = 0; s < settings.shards(); s++) {
      String path = String.format(Locale.ROOT, "data/dt=2026-11-20/part-%05d.arrow", s);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ShardSummary summary;
      try (ShardWriter w =
          ShardWriter.builder()
              .output(out)
              .features(FEATURES)
              .compression(ShardCompression.ZSTD)
              .rowsPerBatch(settings.rowsPerBatch())
              .build()) {
        for (int r = 0; r < settings.rowsPerShard(); r++, seed++) {
          Article a = parser.parse(SampleArticles.articleJson(seed)).article();
          long[] features = FEATURES.computeAll(a);
          contentBytes += a.content().getBytes(StandardCharsets.UTF_8).length;
          words += features[wordIndex];
          w.append(
              a,
              Provenance.of(
                  "shardId-00000000000" + (s % 4),
                  Long.toString(1_000_000 + seed),
                  "partition-" + (seed % 64),
                  INGESTED,
                  INGESTED),
              features);
        }
        summary = w.finish();
      }
      byte[] bytes = out.toByteArray();
      store.put(path, bytes);
      Path file = local.resolve("part-" + s + ".arrow");
      Files.write(file, bytes);
      files.add(file);
      rows += summary.rows();
      fileBytes += bytes.length;
      next.addShard(
          ShardEntry.builder()
              .path(path)
              .summary(summary)
              .compression("zstd")
              .minIngestionTime(INGESTED)
              .maxIngestionTime(INGESTED)
              .build());
    }
    if (log.commit(next.build()) != ManifestLog.Outcome.COMMITTED) {
      throw new IllegalStateException("Cannot commit the benchmark dataset: conflict");
    }
    return new Data(rows, contentBytes, words, fileBytes, files);
  }

  static String report(Settings s, Data d, Map<String, List<Run>> runs) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "_Generated by `%s` on %s. Do not edit by hand: rerun the script._%n%n",
            s.command(),
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .format(Instant.now().atOffset(ZoneOffset.UTC))));
    md.append("- ").append(s.machine()).append('\n');
    md.append(
        String.format(
            Locale.ROOT,
            "- Dataset: %d shards × %,d articles (~5 KB, `SampleArticles`), ZSTD, %,d rows per"
                + " record batch; %,d rows, %,.1f MB of files (%,.2f MB per shard), %,.1f MB of"
                + " `content`%n",
            d.files().size(),
            s.rowsPerShard(),
            s.rowsPerBatch(),
            d.rows(),
            d.fileBytes() / 1e6,
            d.fileBytes() / 1e6 / d.files().size(),
            d.contentBytes() / 1e6));
    md.append(
        String.format(
            Locale.ROOT,
            "- Read: columns `%s`, batch size %d, worldSize 1, one epoch per run; reader options"
                + " are the defaults (WHOLE_SHARD, 4 fetch threads, 256 MiB prefetch); %d rounds"
                + " after one warm-up round, fastest run counts%n%n",
            String.join(",", s.columns()),
            s.batchSize(),
            s.repeats()));
    md.append(
        "| mode | best s | rows/s | content MB/s | file MB/s | CPU s | consumer CPU s | first batch s"
            + " | median s | runs (s) | vs raw | vs raw, parallel |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|\n");
    Map<String, Double> best = new LinkedHashMap<>();
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Double> secs = e.getValue().stream().map(Run::seconds).sorted().toList();
      best.put(e.getKey(), secs.get(0));
    }
    double raw = best.get("raw");
    double rawParallel = best.get("raw, parallel");
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Double> sorted = e.getValue().stream().map(Run::seconds).sorted().toList();
      double b = sorted.get(0);
      Run bestRun = e.getValue().stream().filter(r -> r.seconds() == b).findFirst().orElseThrow();
      double median = sorted.get(sorted.size() / 2);
      StringBuilder all = new StringBuilder();
      for (Run r : e.getValue()) {
        all.append(all.length() == 0 ? "" : ", ")
            .append(String.format(Locale.ROOT, "%.2f", r.seconds()));
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %,.0f | %,.1f | %,.1f | %.2f | %s | %s | %.2f | %s | %.2f× | %.2f× |%n",
              e.getKey(),
              b,
              d.rows() / b,
              d.contentBytes() / b / 1e6,
              d.fileBytes() / b / 1e6,
              bestRun.cpuSeconds(),
              e.getKey().startsWith("raw")
                  ? "–"
                  : String.format(Locale.ROOT, "%.2f", bestRun.consumerCpuSeconds()),
              Double.isNaN(bestRun.firstBatchSeconds())
                  ? "–"
                  : String.format(Locale.ROOT, "%.3f", bestRun.firstBatchSeconds()),
              median,
              all,
              raw / b,
              rawParallel / b));
    }
    md.append("\n| target (issue 4) | measured | result |\n|---|--:|---|\n");
    target(
        md, "cache: shuffled ≥ 0.8× sequential", best, "cache, sequential", "cache, shuffled", 0.8);
    target(
        md,
        "s3proxy: shuffled ≥ 0.8× sequential",
        best,
        "s3proxy, sequential",
        "s3proxy, shuffled",
        0.8);
    target(md, "cache, sequential ≥ 0.7× raw", best, "raw", "cache, sequential", 0.7);
    target(md, "cache, shuffled ≥ 0.7× raw", best, "raw", "cache, shuffled", 0.7);
    target(
        md,
        "cache, sequential ≥ 0.7× raw, parallel (" + THREADS + " threads)",
        best,
        "raw, parallel",
        "cache, sequential",
        0.7);
    target(
        md,
        "cache, shuffled ≥ 0.7× raw, parallel (" + THREADS + " threads)",
        best,
        "raw, parallel",
        "cache, shuffled",
        0.7);
    return md.toString();
  }

  private static void target(
      StringBuilder md,
      String name,
      Map<String, Double> best,
      String baseline,
      String measured,
      double min) {
    double ratio = best.get(baseline) / best.get(measured); // throughput ratio
    md.append(
        String.format(
            Locale.ROOT, "| %s | %.2f× | %s |%n", name, ratio, ratio >= min ? "PASS" : "MISS"));
  }

  static Settings parse(String[] args) {
    int shards = 40;
    int rowsPerShard = 2700;
    int rowsPerBatch = 512;
    int batchSize = 32;
    int repeats = 3;
    List<String> columns = List.of("content", "word_count");
    Path workDir = Path.of("benchmarks/target/reader");
    Path out = null;
    Path docs = null;
    String command = "ReaderBenchmark";
    String machine = "Machine: not given (--machine)";
    List<String> modes = null;
    int fetchThreads = 4;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        throw new IllegalArgumentException("Invalid argument " + a + ": it needs a value");
      }
      switch (a) {
        case "--shards" -> shards = Integer.parseInt(v);
        case "--rows-per-shard" -> rowsPerShard = Integer.parseInt(v);
        case "--rows-per-batch" -> rowsPerBatch = Integer.parseInt(v);
        case "--batch-size" -> batchSize = Integer.parseInt(v);
        case "--repeats" -> repeats = Integer.parseInt(v);
        case "--columns" -> columns = List.of(v.split(","));
        case "--work-dir" -> workDir = Path.of(v);
        case "--out" -> out = Path.of(v);
        case "--docs" -> docs = Path.of(v);
        case "--command" -> command = v;
        case "--machine" -> machine = v;
        case "--modes" -> modes = List.of(v.split(";"));
        case "--fetch-threads" -> fetchThreads = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("Invalid argument " + a);
      }
      i++;
    }
    if (!columns.contains("content") || !columns.contains("word_count")) {
      throw new IllegalArgumentException(
          "Invalid --columns " + columns + ": the consumer needs content and word_count");
    }
    return new Settings(
        shards,
        rowsPerShard,
        rowsPerBatch,
        batchSize,
        repeats,
        columns,
        workDir,
        out,
        docs,
        command,
        machine,
        modes,
        fetchThreads);
  }
}
