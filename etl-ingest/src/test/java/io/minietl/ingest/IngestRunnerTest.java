package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.feature.WordCount;
import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.kinesis.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's logic against in-memory fakes of the stream and the store: exactly once, resharding
 * order, crashes, fencing and injected failures. The emulator-backed tests are the *IT classes.
 */
class IngestRunnerTest {
  @TempDir Path temp;

  private final List<String> lines = new CopyOnWriteArrayList<>();

  private IngestOptions.Builder fastOptions() {
    return IngestOptions.builder()
        .tempDir(temp)
        .minCallInterval(Duration.ZERO)
        .idlePollInterval(Duration.ofMillis(5))
        .shardDiscoveryInterval(Duration.ofMillis(50))
        .progressInterval(Duration.ofMillis(200))
        .recordsPerCall(100)
        .maxShardRows(250)
        .stopWhenIdle(Duration.ofMillis(300));
  }

  private IngestRunner runner(InMemoryStream stream, InMemoryObjectStore store, IngestOptions o) {
    return new IngestRunner(stream, store, o, lines::add, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** What the test put: valid records by (shard, sequence) and malformed ones with their reason. */
  private static final class Produced {
    final Map<String, StreamRecord> valid = new LinkedHashMap<>();
    final Map<String, String> invalidReason = new HashMap<>();
    final Map<String, List<String>> sequencesByKey = new HashMap<>();
    final Map<String, String> contentBySeq = new HashMap<>();
  }

  private static String article(int i, String content) {
    return "{\"article_id\":\"a-" + i + "\",\"title\":\"t\",\"content\":\"" + content + "\"}";
  }

  private static void put(InMemoryStream stream, Produced p, int from, int count, Random random) {
    String[] malformed = {
      "not json", "[1,2]", "{\"content\":\"no id\"}", "{\"article_id\":1,\"content\":\"x\"}"
    };
    String[] reasons = {"not_json", "not_an_object", "missing_field", "wrong_type"};
    for (int i = from; i < from + count; i++) {
      String key = "key-" + random.nextInt(40);
      StreamRecord r;
      if (i % 37 == 0) {
        int m = (i / 37) % malformed.length;
        r = stream.put(key, malformed[m].getBytes(StandardCharsets.UTF_8));
        p.invalidReason.put(r.sequenceNumber(), reasons[m]);
      } else {
        String content = "word ".repeat(random.nextInt(50)) + "end\u00a0" + i;
        r = stream.put(key, article(i, content).getBytes(StandardCharsets.UTF_8));
        p.valid.put(r.sequenceNumber(), r);
        p.contentBySeq.put(r.sequenceNumber(), content);
      }
      p.sequencesByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(r.sequenceNumber());
    }
  }

  private static void assertExactlyOnce(InMemoryObjectStore store, Produced p) {
    Datasets.Contents c = Datasets.read(store);
    List<String> rowSeqs = c.rows().stream().map(r -> r.provenance().sequenceNumber()).toList();
    assertThat(rowSeqs).doesNotHaveDuplicates();
    assertThat(rowSeqs).containsExactlyInAnyOrderElementsOf(p.valid.keySet());
    assertThat(c.errors()).extracting(e -> e.sequenceNumber()).doesNotHaveDuplicates();
    Map<String, String> errorReasons =
        c.errors().stream().collect(Collectors.toMap(e -> e.sequenceNumber(), e -> e.reason()));
    assertThat(errorReasons).isEqualTo(p.invalidReason);
    // The word counts are etl-core's, and the dataset's statistics are those of its rows.
    for (ShardRow row : c.rows()) {
      String content = p.contentBySeq.get(row.provenance().sequenceNumber());
      assertThat(row.featureValues()[0]).isEqualTo(WordCount.count(content));
    }
    long[] counts = c.rows().stream().mapToLong(r -> r.featureValues()[0]).toArray();
    assertThat(c.state().stats("word_count")).isEqualTo(FeatureStats.ofValues(counts));
    assertThat(c.state().totalRows()).isEqualTo(p.valid.size());
    assertThat(c.state().totalErrorRecords()).isEqualTo(p.invalidReason.size());
  }

  @Test
  void everyRecordOfEveryShardLandsExactlyOnceWithErrorsAndStatistics() {
    InMemoryStream stream = new InMemoryStream("s", 4);
    Produced p = new Produced();
    put(stream, p, 0, 2000, new Random(1));
    InMemoryObjectStore store = new InMemoryObjectStore();

    RunSummary summary = runner(stream, store, fastOptions().build()).run();

    assertExactlyOnce(store, p);
    assertThat(summary.recordsRead()).isEqualTo(2000);
    assertThat(summary.errorRecords()).isEqualTo(p.invalidReason.size());
    assertThat(summary.commits()).isGreaterThan(4); // rolled by maxShardRows
    assertThat(Datasets.read(store).state().shards())
        .allSatisfy(shard -> assertThat(shard.rows()).isLessThanOrEqualTo(250));
    assertThat(lines).anyMatch(l -> l.startsWith("final: records 2000"));
  }

  @Test
  void aSecondRunResumesAfterTheCheckpointAndReadsOnlyNewRecords() {
    InMemoryStream stream = new InMemoryStream("s", 2);
    Produced p = new Produced();
    Random random = new Random(2);
    put(stream, p, 0, 500, random);
    InMemoryObjectStore store = new InMemoryObjectStore();
    runner(stream, store, fastOptions().build()).run();
    put(stream, p, 500, 300, random);

    RunSummary second = runner(stream, store, fastOptions().build()).run();

    assertThat(second.recordsRead()).isEqualTo(300);
    assertExactlyOnce(store, p);
  }

  @Test
  void crashesAtRandomPointsNeverLoseOrDuplicateARecord() {
    Random random = new Random(42);
    InMemoryStream stream = new InMemoryStream("s", 3);
    Produced p = new Produced();
    InMemoryObjectStore store = new InMemoryObjectStore();
    int produced = 0;
    int crashes = 0;
    for (int round = 0; round < 12; round++) {
      put(stream, p, produced, 150, random);
      produced += 150;
      store.crashAfter(1 + random.nextInt(8));
      try {
        runner(stream, store, fastOptions().build()).run();
      } catch (InMemoryObjectStore.SimulatedCrash e) {
        crashes++;
      }
      store.recover();
    }
    runner(stream, store, fastOptions().build()).run();

    assertThat(crashes).isGreaterThanOrEqualTo(10);
    assertExactlyOnce(store, p);
  }

  @Test
  void childShardsStartAfterTheirParentsSoEveryKeyKeepsItsOrder() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 3);
    Produced p = new Produced();
    Random random = new Random(3);
    InMemoryObjectStore store = new InMemoryObjectStore();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      put(stream, p, 0, 600, random);
      Future<RunSummary> run =
          executor.submit(
              () ->
                  runner(stream, store, fastOptions().stopWhenIdle(Duration.ofSeconds(1)).build())
                      .run());
      List<String> open = stream.openShardIds();
      stream.split(open.get(0));
      put(stream, p, 600, 600, random);
      open = stream.openShardIds();
      stream.merge(open.get(0), open.get(1));
      put(stream, p, 1200, 600, random);
      run.get(60, TimeUnit.SECONDS);
    } finally {
      executor.shutdownNow();
    }

    assertExactlyOnce(store, p);
    // Rows in dataset order (manifest order, then row order) keep each key's put order.
    Datasets.Contents c = Datasets.read(store);
    Map<String, List<String>> seen = new HashMap<>();
    for (ShardRow row : c.rows()) {
      seen.computeIfAbsent(row.provenance().partitionKey(), k -> new ArrayList<>())
          .add(row.provenance().sequenceNumber());
    }
    seen.forEach(
        (key, seqs) -> {
          List<String> expected =
              p.sequencesByKey.get(key).stream().filter(p.valid::containsKey).toList();
          assertThat(seqs).as("order of key %s", key).containsExactlyElementsOf(expected);
        });
    assertThat(c.state().checkpoint().values())
        .filteredOn(cp -> cp.closed())
        .hasSize(3); // split parent + both merge parents
  }

  @Test
  void transientFailuresOfStoreAndStreamNeitherLoseNorDuplicate() {
    InMemoryStream stream = new InMemoryStream("s", 4).throttleEvery(4).expireEvery(7);
    Produced p = new Produced();
    put(stream, p, 0, 1500, new Random(5));
    InMemoryObjectStore store =
        new InMemoryObjectStore().failEveryNthPut(3).unknownEveryNthConditionalPut(2);

    runner(stream, store, fastOptions().build()).run();

    assertExactlyOnce(store, p);
    assertThat(store.injectedFailures.get()).isPositive();
    assertThat(stream.throttled.get()).isPositive();
    assertThat(stream.expired.get()).isPositive();
  }

  @Test
  void ofTwoRunnersOnOneDatasetOneIsFencedAndNoRecordIsDuplicated() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 2);
    Produced p = new Produced();
    Random random = new Random(6);
    InMemoryObjectStore store = new InMemoryObjectStore();
    IngestOptions options =
        fastOptions()
            .maxShardAge(Duration.ofMillis(20))
            .stopWhenIdle(Duration.ofMillis(500))
            .build();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        IngestOptions o = options.toBuilder().writerId("runner-" + i).build();
        runs.add(
            executor.submit(
                () -> {
                  try {
                    runner(stream, store, o).run();
                  } catch (FencedException e) {
                    failures.add(e);
                  }
                }));
      }
      // Records keep arriving until one runner is fenced: each batch waits for a commit (a
      // condition, not a sleep), so neither runner idles out first on a starved machine.
      for (int i = 0; failures.isEmpty(); i++) {
        assertThat(i).as("batches put before a runner was fenced").isLessThan(400);
        long before = Datasets.read(store).state().version();
        put(stream, p, i * 50, 50, random);
        Await.until(
            "a commit after batch " + i,
            Duration.ofSeconds(30),
            () -> !failures.isEmpty() || Datasets.read(store).state().version() > before);
      }
      for (Future<?> f : runs) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
    }
    // Whatever the survivor did not read before it idled, a later run reads.
    runner(stream, store, fastOptions().build()).run();

    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).hasMessageContaining("another runner");
    assertExactlyOnce(store, p);
  }

  @Test
  void optionsRejectBadValuesWithTheirName() {
    assertThatThrownBy(() -> IngestOptions.builder().recordsPerCall(20_000))
        .hasMessageContaining("recordsPerCall");
    assertThatThrownBy(() -> IngestOptions.builder().maxShardAge(Duration.ZERO))
        .hasMessageContaining("maxShardAge");
  }

  /** The system clock moved forward by a test (a pause the runner did not see coming). */
  private static final class MovableClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    void jump(Duration d) {
      offset = offset.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.now().plus(offset);
    }
  }

  /**
   * A store that records when (by the runner's clock) each object was uploaded and each manifest
   * created, and on the first manifest create jumps the clock past the commit deadline: an S3
   * brownout during which the create's outcome is lost.
   */
  private static final class BrownoutStore implements io.minietl.core.storage.ObjectStore {
    final InMemoryObjectStore delegate;
    final MovableClock clock;
    final Map<String, java.time.Instant> uploadedAt =
        new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, java.time.Instant> createdAt = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean jumped;

    BrownoutStore(InMemoryObjectStore delegate, MovableClock clock) {
      this.delegate = delegate;
      this.clock = clock;
    }

    @Override
    public String location() {
      return delegate.location();
    }

    @Override
    public void put(String key, byte[] bytes) {
      delegate.put(key, bytes);
      uploadedAt.put(key, clock.instant());
    }

    @Override
    public void put(String key, Path file) {
      delegate.put(key, file);
      uploadedAt.put(key, clock.instant());
    }

    @Override
    public synchronized PutResult putIfAbsent(String key, byte[] bytes) {
      if (!jumped && key.startsWith("_manifest/v")) {
        jumped = true;
        clock.jump(Duration.ofMinutes(6)); // the default commit deadline is 5 minutes
      }
      PutResult r = delegate.putIfAbsent(key, bytes);
      if (r == PutResult.CREATED) {
        createdAt.put(key, clock.instant());
      }
      return r;
    }

    @Override
    public java.util.Optional<byte[]> get(String key) {
      return delegate.get(key);
    }

    @Override
    public List<io.minietl.core.storage.ObjectInfo> list(String prefix, String startAfter) {
      return delegate.list(prefix, startAfter);
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }

    /** Every file a created manifest lists was uploaded less than the deadline before it. */
    void assertEveryCommitListsFilesYoungerThan(Duration deadline) {
      for (Map.Entry<String, java.time.Instant> created : createdAt.entrySet()) {
        io.minietl.core.manifest.Manifest m =
            io.minietl.core.manifest.ManifestParser.fromJson(delegate.bytes(created.getKey()));
        List<String> listed = new ArrayList<>();
        m.addedShards().forEach(s -> listed.add(s.path()));
        m.addedErrorFiles().forEach(f -> listed.add(f.path()));
        for (String path : listed) {
          assertThat(Duration.between(uploadedAt.get(path), created.getValue()))
              .as("%s listed by %s", path, created.getKey())
              .isLessThan(deadline);
        }
      }
    }
  }

  @Test
  void filesUploadedBeforeTheCommitDeadlineAreUploadedAgainBeforeTheyAreListed() {
    InMemoryStream stream = new InMemoryStream("s", 2);
    Produced p = new Produced();
    put(stream, p, 0, 600, new Random(8));
    MovableClock clock = new MovableClock();
    // The first manifest create is lost (UNKNOWN, never applied) while the clock jumps 6 minutes.
    BrownoutStore store =
        new BrownoutStore(new InMemoryObjectStore().loseNextConditionalPuts(1), clock);

    new IngestRunner(stream, store, fastOptions().build(), lines::add, clock, Sleeper.SYSTEM).run();

    assertExactlyOnce(store.delegate, p);
    store.assertEveryCommitListsFilesYoungerThan(Duration.ofMinutes(5));
    // The first upload is garbage now: one unlisted shard, left for gc.
    DatasetState state = Datasets.read(store.delegate).state();
    assertThat(store.delegate.keys(k -> k.startsWith("data/") && !state.containsShard(k)))
        .hasSize(1);
  }

  @Test
  void aCommitThatLandsAfterItsOutcomeWasUnknownIsRecognisedAsOwnNotFenced() {
    InMemoryStream stream = new InMemoryStream("s", 2);
    Produced p = new Produced();
    put(stream, p, 0, 600, new Random(9));
    MovableClock clock = new MovableClock();
    // The first manifest create answers UNKNOWN, is not there when read back, and lands just after.
    BrownoutStore store =
        new BrownoutStore(new InMemoryObjectStore().applyLateAfterUnknown(1), clock);

    RunSummary summary =
        new IngestRunner(stream, store, fastOptions().build(), lines::add, clock, Sleeper.SYSTEM)
            .run();

    assertExactlyOnce(store.delegate, p);
    assertThat(summary.recordsRead()).isEqualTo(600);
    // Its own late commit was taken as committed: no upload was repeated, nothing is unlisted.
    DatasetState state = Datasets.read(store.delegate).state();
    assertThat(store.delegate.keys(k -> k.startsWith("data/") && !state.containsShard(k)))
        .isEmpty();
  }
}
