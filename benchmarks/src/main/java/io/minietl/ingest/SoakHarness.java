package io.minietl.ingest;

import io.minietl.cli.ExitCode;
import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordReader;
import io.minietl.core.feature.WordCount;
import io.minietl.core.format.DatasetSchema;
import io.minietl.core.format.ShardReader;
import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.stats.FeatureStats;
import io.minietl.kinesis.KplAggregation;
import io.minietl.reader.Batch;
import io.minietl.reader.BatchIterator;
import io.minietl.reader.DatasetOptions;
import io.minietl.reader.ReadSpec;
import io.minietl.reader.TrainingDataset;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.FaultProxy;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.S3Emulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The soak of issue 10 ("A soak that proves it"): for a given time, on kinesalite, a producer keeps
 * writing articles (a share malformed, a share KPL-aggregated, a few aggregates corrupt), the
 * runner ({@code java -jar etl-ingest.jar run}, a child JVM) is killed with SIGKILL at random
 * intervals and restarted, a SplitShard or MergeShards comes every few minutes, S3 is reached
 * through a {@link FaultProxy} (a share of PUTs answered 503, a share held then forwarded), and a
 * training-reader in follow mode reads along. At the end a last run drains the stream and the
 * harness checks that every record put is in the dataset exactly once (rows and error records, by
 * shard, sequence number and sub-sequence number), that the average word count is the one put, and
 * that the reader saw every committed row once; it prints the figures and exits 1 if any check
 * fails.
 *
 * <p>Run it with {@code benchmarks/soak.sh} (see its {@code --help}). Everything binds to loopback;
 * the producer's rate and every loop are bounded by the run time.
 */
public final class SoakHarness {
  private static final String[] WORDS = {
    "kinesis", "arrow", "shard", "manifest", "commit", "exactly", "once", "record", "stream",
    "batch", "crash", "restart", "sequence", "bucket", "object", "soak", "lorem", "ipsum"
  };

  /** What the harness is told. */
  record Settings(
      Duration duration,
      long seed,
      Path jar,
      Path workDir,
      int shards,
      int recordsPerSecond,
      double malformedShare,
      double kplShare,
      double failShare,
      double holdShare,
      Duration holdTime,
      Duration killMin,
      Duration killMax,
      Duration reshardEvery) {}

  private final Settings settings;
  private final Random random;

  /** Expected outcome by record identity: a Long word count, or a String error reason. */
  private final Map<String, Object> expected = new ConcurrentHashMap<>();

  /** When each record was put (System.nanoTime), for the lag. */
  private final Map<String, Long> putAt = new ConcurrentHashMap<>();

  private final AtomicLong kinesisRecords = new AtomicLong();
  private final AtomicLong aggregates = new AtomicLong();
  private final AtomicLong aggregatedUserRecords = new AtomicLong();
  private final AtomicLong readerRows = new AtomicLong();
  private final AtomicLong readerDuplicates = new AtomicLong();
  private final AtomicLong maxLagNanos = new AtomicLong();
  private final Set<String> readerSeen = ConcurrentHashMap.newKeySet();

  SoakHarness(Settings settings) {
    this.settings = settings;
    this.random = new Random(settings.seed());
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
    boolean ok = new SoakHarness(parse(args)).run();
    System.exit(ok ? 0 : 1); // s3proxy's and the SDK's non-daemon threads: be sure
  }

  boolean run() throws Exception {
    long started = System.nanoTime();
    Files.createDirectories(settings.workDir().resolve("s3"));
    System.out.printf(Locale.ROOT, "soak: %s%n", settings);
    try (KinesisEmulator kinesis =
            KinesisEmulator.builder(KinesisFlavor.KINESALITE)
                .maxHeapMb(2048)
                .logDirectory(settings.workDir())
                .start();
        S3Emulator s3 = S3Emulator.start(settings.workDir().resolve("s3"));
        FaultProxy faults =
            FaultProxy.start(
                0,
                s3.endpoint(),
                new FaultProxy.Settings(
                    settings.failShare(),
                    settings.holdShare(),
                    settings.holdTime(),
                    settings.seed()))) {
      String stream =
          kinesis.createStream(KinesisEmulator.uniqueStreamName("soak"), settings.shards());
      String bucket = s3.createBucket(S3Emulator.uniqueBucketName("soak"));
      URI dataset = URI.create("s3://" + bucket + "/articles");
      Map<String, String> env = new LinkedHashMap<>(kinesis.environment());
      env.putAll(s3.environment());
      env.put("AWS_ENDPOINT_URL_S3", faults.endpoint().toString());
      System.out.printf(
          Locale.ROOT, "soak: kinesalite %s, %s behind %s%n", kinesis, s3, faults.endpoint());

      AtomicBoolean stop = new AtomicBoolean();
      Thread producer = thread("producer", () -> produce(kinesis.client(), stream, stop));
      S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
      AtomicBoolean readerFailed = new AtomicBoolean();
      AtomicBoolean drained = new AtomicBoolean();
      Thread reader = thread("reader", () -> follow(store, readerFailed, drained));
      producer.start();
      reader.start();

      long deadline = started + settings.duration().toNanos();
      long nextReshard = System.nanoTime() + settings.reshardEvery().toNanos();
      int kills = 0;
      int reshards = 0;
      int run = 0;
      List<String> log = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        run++;
        Process child = startRunner(env, stream, dataset, "run-" + run, false);
        long delay =
            settings.killMin().toMillis()
                + (long)
                    (random.nextDouble()
                        * (settings.killMax().toMillis() - settings.killMin().toMillis()));
        long killAt = Math.min(deadline, System.nanoTime() + delay * 1_000_000);
        boolean fenced = false;
        while (System.nanoTime() < killAt) {
          if (System.nanoTime() >= nextReshard) {
            reshards += reshard(kinesis.client(), stream, log);
            nextReshard = System.nanoTime() + settings.reshardEvery().toNanos();
          }
          if (!child.isAlive() && child.exitValue() == ExitCode.FENCED.code()) {
            // A killed runner's held PUT (FaultProxy) can land after its successor loaded the
            // manifest: the successor is fenced by that zombie commit, as the protocol says it
            // must be, and is started again like a killed one.
            log.add("run-" + run + " fenced by a late commit of a killed runner: restarted");
            fenced = true;
            break;
          }
          if (!child.isAlive()) {
            throw new IllegalStateException(
                "runner run-"
                    + run
                    + " exited by itself with "
                    + child.exitValue()
                    + ": see "
                    + settings.workDir().resolve("run-" + run + ".err"));
          }
          Thread.sleep(200);
        }
        if (fenced) {
          continue;
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no last commit
        child.waitFor(30, TimeUnit.SECONDS);
        kills++;
      }
      stop.set(true);
      producer.join(TimeUnit.MINUTES.toMillis(2));

      // The stream is complete: a last run drains it and exits by itself.
      // (A held PUT of the last killed runner may land after it started and fence it: once
      // more, then; a held PUT is forwarded within its hold time, so a second fence is a bug.)
      Process last = null;
      for (int attempt = 1; attempt <= 2; attempt++) {
        last = startRunner(env, stream, dataset, attempt == 1 ? "run-final" : "run-final-2", true);
        if (!last.waitFor(20, TimeUnit.MINUTES)) {
          last.destroyForcibly();
          throw new IllegalStateException("the final run did not finish in 20 minutes");
        }
        if (last.exitValue() != ExitCode.FENCED.code()) {
          break;
        }
        log.add("run-final fenced by a late commit of a killed runner: started again");
      }
      if (last.exitValue() != 0) {
        throw new IllegalStateException(
            "the final run exited with " + last.exitValue() + ": see run-final.err");
      }
      drained.set(true);
      reader.join(TimeUnit.MINUTES.toMillis(5));
      return check(
          store,
          kills,
          reshards,
          faults.counts(),
          readerFailed.get(),
          Duration.ofNanos(System.nanoTime() - started),
          log);
    }
  }

  // --- the producer -------------------------------------------------------------------------

  private void produce(KinesisClient kinesis, String stream, AtomicBoolean stop) {
    Random r = new Random(settings.seed() + 1);
    int n = 0;
    int perBatch = Math.max(1, settings.recordsPerSecond() / 5);
    while (!stop.get()) {
      long batchStarted = System.nanoTime();
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      List<Object> outcomes = new ArrayList<>(); // per entry: Long, String or List<Object>
      int users = 0;
      while (users < perBatch) {
        String key = "pk-" + r.nextInt(256);
        if (r.nextDouble() < settings.kplShare()) {
          int count = 2 + r.nextInt(6);
          List<KplAggregation.UserRecord> inner = new ArrayList<>();
          List<Object> innerOutcomes = new ArrayList<>();
          for (int u = 0; u < count; u++) {
            Object[] article = article(r, n++);
            inner.add(
                new KplAggregation.UserRecord(
                    u,
                    key + "-" + u,
                    null,
                    ((String) article[0]).getBytes(StandardCharsets.UTF_8)));
            innerOutcomes.add(article[1]);
          }
          byte[] bytes = KplAggregation.aggregate(inner);
          if (r.nextInt(50) == 0) {
            bytes[bytes.length - 1] ^= 1; // a corrupt aggregate: one kpl_corrupt error record
            outcomes.add("kpl_corrupt");
          } else {
            outcomes.add(innerOutcomes);
            aggregates.incrementAndGet();
            aggregatedUserRecords.addAndGet(count);
          }
          entries.add(entry(key, bytes));
          users += count;
        } else {
          Object[] article = article(r, n++);
          entries.add(entry(key, ((String) article[0]).getBytes(StandardCharsets.UTF_8)));
          outcomes.add(article[1]);
          users++;
        }
      }
      List<PutRecordsResultEntry> results = put(kinesis, stream, entries);
      long now = System.nanoTime();
      for (int i = 0; i < results.size(); i++) {
        String shard = results.get(i).shardId();
        String sequence = results.get(i).sequenceNumber();
        if (outcomes.get(i) instanceof List<?> inner) {
          for (int u = 0; u < inner.size(); u++) {
            expect(key(shard, sequence, (long) u), inner.get(u), now);
          }
        } else {
          expect(key(shard, sequence, null), outcomes.get(i), now);
        }
      }
      kinesisRecords.addAndGet(results.size());
      long rest = 200_000_000L - (System.nanoTime() - batchStarted);
      if (rest > 0) {
        try {
          Thread.sleep(rest / 1_000_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void expect(String key, Object outcome, long now) {
    expected.put(key, outcome);
    putAt.put(key, now);
  }

  /** PutRecords until every entry is in (kinesalite can refuse a whole call under load). */
  private static List<PutRecordsResultEntry> put(
      KinesisClient kinesis, String stream, List<PutRecordsRequestEntry> entries) {
    PutRecordsResultEntry[] results = new PutRecordsResultEntry[entries.size()];
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      pending.add(i);
    }
    for (int attempt = 1; !pending.isEmpty(); attempt++) {
      List<PutRecordsRequestEntry> batch = pending.stream().map(entries::get).toList();
      try {
        var response = kinesis.putRecords(b -> b.streamName(stream).records(batch));
        List<Integer> failed = new ArrayList<>();
        for (int j = 0; j < batch.size(); j++) {
          PutRecordsResultEntry result = response.records().get(j);
          if (result.errorCode() == null) {
            results[pending.get(j)] = result;
          } else {
            failed.add(pending.get(j));
          }
        }
        pending = failed;
      } catch (RuntimeException e) {
        if (attempt > 50) {
          throw e;
        }
      }
      if (!pending.isEmpty()) {
        sleepQuietly(100L * Math.min(attempt, 10));
      }
    }
    return List.of(results);
  }

  /** An article as JSON, and its outcome: its word count, or the reason it is malformed. */
  private Object[] article(Random r, int n) {
    if (r.nextDouble() < settings.malformedShare()) {
      return switch (n % 3) {
        case 0 -> new Object[] {"not json " + n, "not_json"};
        case 1 -> new Object[] {"[" + n + "]", "not_an_object"};
        default -> new Object[] {"{\"content\":\"no id " + n + "\"}", "missing_field"};
      };
    }
    StringBuilder content = new StringBuilder();
    int words = 40 + r.nextInt(160);
    for (int w = 0; w < words; w++) {
      content.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
    }
    String text = content.toString();
    String json =
        "{\"article_id\":\"soak-"
            + n
            + "\",\"title\":\"Article "
            + n
            + "\",\"content\":\""
            + text
            + "\"}";
    return new Object[] {json, (long) WordCount.count(text)};
  }

  private static PutRecordsRequestEntry entry(String key, byte[] data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(key)
        .data(SdkBytes.fromByteArray(data))
        .build();
  }

  // --- resharding ---------------------------------------------------------------------------

  /**
   * A SplitShard of the first open shard, or a MergeShards of two adjacent open ones; 1 if done.
   */
  private int reshard(KinesisClient kinesis, String stream, List<String> log) {
    try {
      List<Shard> open =
          kinesis.listShards(b -> b.streamName(stream)).shards().stream()
              .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
              .sorted(
                  (a, b) ->
                      new BigInteger(a.hashKeyRange().startingHashKey())
                          .compareTo(new BigInteger(b.hashKeyRange().startingHashKey())))
              .toList();
      String what;
      if (open.size() >= settings.shards() + 1) {
        Shard a = open.get(0);
        Shard b = open.get(1);
        kinesis.mergeShards(
            m -> m.streamName(stream).shardToMerge(a.shardId()).adjacentShardToMerge(b.shardId()));
        what = "merged " + a.shardId() + " and " + b.shardId();
      } else {
        Shard s = open.get(random.nextInt(open.size()));
        BigInteger lo = new BigInteger(s.hashKeyRange().startingHashKey());
        BigInteger hi = new BigInteger(s.hashKeyRange().endingHashKey());
        String middle = lo.add(hi).shiftRight(1).toString();
        kinesis.splitShard(
            x -> x.streamName(stream).shardToSplit(s.shardId()).newStartingHashKey(middle));
        what = "split " + s.shardId();
      }
      // Kinesis refuses another update while the stream is UPDATING.
      for (int i = 0; i < 300; i++) {
        if ("ACTIVE"
            .equals(
                kinesis
                    .describeStreamSummary(b -> b.streamName(stream))
                    .streamDescriptionSummary()
                    .streamStatusAsString())) {
          break;
        }
        sleepQuietly(100);
      }
      System.out.println("soak: " + what);
      log.add(what);
      return 1;
    } catch (RuntimeException e) {
      System.out.println("soak: reshard skipped: " + e);
      return 0;
    }
  }

  // --- the runner ---------------------------------------------------------------------------

  private Process startRunner(
      Map<String, String> env, String stream, URI dataset, String name, boolean drain)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-jar",
                settings.jar().toString(),
                "run",
                "--stream",
                stream,
                "--dataset",
                dataset.toString(),
                "--max-shard-age",
                "2s",
                "--progress-interval",
                "10s"));
    if (drain) {
      command.addAll(List.of("--stop-when-idle", "10s"));
    }
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectOutput(settings.workDir().resolve(name + ".out").toFile())
            .redirectError(settings.workDir().resolve(name + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MINIETL_") || k.startsWith("AWS_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  // --- the follower -------------------------------------------------------------------------

  /**
   * Follows the dataset until the final run has drained the stream. A following iterator ends when
   * no commit comes for its idle timeout (a loaded machine can go that long between a kill and the
   * next run's first commit), so it is resumed from its position until one that started after the
   * drain has ended.
   */
  private void follow(S3ObjectStore store, AtomicBoolean failed, AtomicBoolean drained) {
    try {
      while (DatasetMaintenance.latest(store).version() == 0) {
        Thread.sleep(500);
      }
      ReadSpec spec =
          ReadSpec.builder()
              .batchSize(256)
              .sequential()
              .columns(
                  DatasetSchema.KINESIS_SHARD_ID,
                  DatasetSchema.KINESIS_SEQUENCE_NUMBER,
                  DatasetSchema.KINESIS_SUB_SEQUENCE_NUMBER)
              .follow(Duration.ofSeconds(20))
              .build();
      try (TrainingDataset ds =
          TrainingDataset.open(
              store, DatasetOptions.builder().followPollInterval(Duration.ofMillis(500)).build())) {
        io.minietl.reader.Position at = null;
        boolean last = false;
        while (!last) {
          last = drained.get();
          try (BatchIterator it = at == null ? ds.batches(spec) : ds.batches(spec, at)) {
            readAll(it);
            at = it.position();
          }
        }
      }
    } catch (Exception e) {
      failed.set(true);
      System.out.println("soak: the reader failed: " + e);
      e.printStackTrace(System.out);
    }
  }

  private void readAll(BatchIterator it) {
    while (it.hasNext()) {
      Batch b = it.next();
      long now = System.nanoTime();
      for (int row = 0; row < b.size(); row++) {
        if (b.isPadding(row)) {
          continue;
        }
        Long sub =
            b.isNull(DatasetSchema.KINESIS_SUB_SEQUENCE_NUMBER, row)
                ? null
                : ((org.apache.arrow.vector.BigIntVector)
                        b.vector(DatasetSchema.KINESIS_SUB_SEQUENCE_NUMBER))
                    .get(row);
        String key =
            key(
                b.string(DatasetSchema.KINESIS_SHARD_ID, row),
                b.string(DatasetSchema.KINESIS_SEQUENCE_NUMBER, row),
                sub);
        readerRows.incrementAndGet();
        if (!readerSeen.add(key)) {
          readerDuplicates.incrementAndGet();
        }
        Long put = putAt.get(key);
        if (put != null) {
          maxLagNanos.accumulateAndGet(now - put, Math::max);
        }
      }
    }
  }

  // --- the checks ---------------------------------------------------------------------------

  private boolean check(
      S3ObjectStore store,
      int kills,
      int reshards,
      FaultProxy.Counts faults,
      boolean readerFailed,
      Duration took,
      List<String> log)
      throws IOException {
    DatasetState state = DatasetMaintenance.latest(store);
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Object> found = new HashMap<>();
    long wordSum = 0;
    long rows = 0;
    for (ShardEntry shard : state.shards()) {
      byte[] bytes = store.get(shard.path()).orElseThrow();
      try (ShardReader reader = ShardReader.open(bytes)) {
        int wordCount = reader.schema().featureNames().indexOf(WordCount.NAME);
        for (ShardRow row : reader.readRows()) {
          String key =
              key(
                  row.provenance().shardId(),
                  row.provenance().sequenceNumber(),
                  row.provenance().subSequenceNumber());
          seen.merge(key, 1, Integer::sum);
          long words = row.featureValues()[wordCount];
          found.put(key, words);
          wordSum += words;
          rows++;
        }
      }
    }
    long errors = 0;
    for (ErrorFileEntry file : state.errorFiles()) {
      byte[] bytes = store.get(file.path()).orElseThrow();
      for (ErrorRecord e : ErrorRecordReader.readAllGzip(new ByteArrayInputStream(bytes))) {
        String key = key(e.shardId(), e.sequenceNumber(), e.subSequenceNumber());
        seen.merge(key, 1, Integer::sum);
        found.put(key, e.reason());
        errors++;
      }
    }
    long duplicates = seen.values().stream().filter(c -> c > 1).mapToLong(c -> c - 1).sum();
    Set<String> lost = new HashSet<>(expected.keySet());
    lost.removeAll(found.keySet());
    Set<String> unexpected = new HashSet<>(found.keySet());
    unexpected.removeAll(expected.keySet());
    long wrong =
        expected.entrySet().stream()
            .filter(
                e -> found.containsKey(e.getKey()) && !found.get(e.getKey()).equals(e.getValue()))
            .count();
    long expectedRows = expected.values().stream().filter(v -> v instanceof Long).count();
    long expectedWordSum =
        expected.values().stream().filter(v -> v instanceof Long).mapToLong(v -> (Long) v).sum();
    FeatureStats stats = state.stats(WordCount.NAME);
    double average = rows == 0 ? 0 : (double) wordSum / rows;
    double expectedAverage = expectedRows == 0 ? 0 : (double) expectedWordSum / expectedRows;
    Set<String> committedRows = new HashSet<>();
    found.forEach(
        (k, v) -> {
          if (v instanceof Long) {
            committedRows.add(k);
          }
        });
    Set<String> notRead = new HashSet<>(committedRows);
    notRead.removeAll(readerSeen);

    List<String> failures = new ArrayList<>();
    if (duplicates != 0) {
      failures.add(duplicates + " duplicates");
    }
    if (!lost.isEmpty()) {
      failures.add(lost.size() + " lost, e.g. " + lost.stream().limit(5).toList());
    }
    if (!unexpected.isEmpty()) {
      failures.add(unexpected.size() + " not put, e.g. " + unexpected.stream().limit(5).toList());
    }
    if (wrong != 0) {
      failures.add(wrong + " with another word count or reason than put");
    }
    if (rows != expectedRows || wordSum != expectedWordSum) {
      failures.add(
          "word counts: sum "
              + wordSum
              + " over "
              + rows
              + ", put "
              + expectedWordSum
              + " over "
              + expectedRows);
    }
    if (stats == null || stats.count() != rows || Math.abs(stats.mean() - average) > 1e-9) {
      failures.add("the manifest's word_count statistics " + stats + " are not those of the rows");
    }
    if (state.totalRows() != rows || state.totalErrorRecords() != errors) {
      failures.add("the manifest's totals differ from the files");
    }
    if (readerFailed || !notRead.isEmpty() || readerDuplicates.get() != 0) {
      failures.add(
          "the reader: failed "
              + readerFailed
              + ", "
              + notRead.size()
              + " committed rows not read, "
              + readerDuplicates.get()
              + " read twice");
    }
    long userRecords = expected.size();
    String report =
        String.format(
            Locale.ROOT,
            "soak: %s of faults, %d min in all with the drain (seed %d): %d records put (%d Kinesis records, %d KPL aggregates holding"
                + " %d records, %d malformed or corrupt), %d kills, %d reshards, S3 faults %d (%d"
                + " PUTs answered 503, %d held %d s), duplicates %d, lost %d, average word count %.4f"
                + " (put %.4f), reader read %d rows (%d committed, %d not read), max lag %.1f s,"
                + " manifest v%d; %s",
            settings.duration().toMinutes() + " min",
            took.toMinutes(),
            settings.seed(),
            userRecords,
            kinesisRecords.get(),
            aggregates.get(),
            aggregatedUserRecords.get(),
            userRecords - expectedRows,
            kills,
            reshards,
            faults.failed() + faults.held(),
            faults.failed(),
            faults.held(),
            settings.holdTime().toSeconds(),
            duplicates,
            lost.size(),
            average,
            expectedAverage,
            readerRows.get(),
            committedRows.size(),
            notRead.size(),
            maxLagNanos.get() / 1e9,
            state.version(),
            failures.isEmpty() ? "OK" : "FAILED: " + String.join("; ", failures));
    System.out.println(report);
    log.add(report);
    Files.write(settings.workDir().resolve("soak-report.txt"), log, StandardCharsets.UTF_8);
    return failures.isEmpty();
  }

  private static String key(String shardId, String sequenceNumber, Long subSequenceNumber) {
    return shardId
        + "/"
        + sequenceNumber
        + (subSequenceNumber == null ? "" : "/" + subSequenceNumber);
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, "soak-" + name);
    t.setDaemon(true);
    return t;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Settings parse(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("Invalid argument '" + args[i] + "'");
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Invalid arguments: '" + args[args.length - 1] + "' needs a value");
    }
    if (!a.containsKey("jar")) {
      throw new IllegalArgumentException("Invalid arguments: --jar etl-ingest.jar is required");
    }
    return new Settings(
        Duration.ofSeconds(Math.round(Double.parseDouble(a.getOrDefault("minutes", "2")) * 60)),
        Long.parseLong(a.getOrDefault("seed", "20261202")),
        Path.of(a.get("jar")),
        Path.of(a.getOrDefault("work-dir", "benchmarks/target/soak")),
        Integer.parseInt(a.getOrDefault("shards", "2")),
        Integer.parseInt(a.getOrDefault("rate", "100")),
        Double.parseDouble(a.getOrDefault("malformed-share", "0.02")),
        Double.parseDouble(a.getOrDefault("kpl-share", "0.2")),
        Double.parseDouble(a.getOrDefault("fail-share", "0.05")),
        Double.parseDouble(a.getOrDefault("hold-share", "0.02")),
        Duration.ofSeconds(Long.parseLong(a.getOrDefault("hold-seconds", "5"))),
        Duration.ofSeconds(Long.parseLong(a.getOrDefault("kill-min-seconds", "5"))),
        Duration.ofSeconds(Long.parseLong(a.getOrDefault("kill-max-seconds", "30"))),
        Duration.ofSeconds(Long.parseLong(a.getOrDefault("reshard-seconds", "60"))));
  }
}
