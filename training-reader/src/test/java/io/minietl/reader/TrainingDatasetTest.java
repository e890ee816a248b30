package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.InMemoryObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDatasetTest {
  private static final int ROWS = 3 * 100;

  private static InMemoryObjectStore dataset() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    TestDatasets.commit(store, 0, 16, 100, 100, 100);
    return store;
  }

  private static ReadSpec.Builder spec() {
    return ReadSpec.builder().batchSize(7).columns("article_id", "word_count").shuffle(42);
  }

  private static List<List<String>> read(TrainingDataset ds, ReadSpec spec) {
    try (BatchIterator it = ds.batches(spec)) {
      return TestDatasets.drain(it);
    }
  }

  private static List<String> real(List<List<String>> batches) {
    List<String> ids = new ArrayList<>();
    batches.forEach(b -> b.stream().filter(s -> !s.startsWith("pad:")).forEach(ids::add));
    return ids;
  }

  @Test
  void fourRanksYieldEveryRowOnceWithEqualBatchCounts() {
    try (TrainingDataset ds = TrainingDataset.open(dataset(), DatasetOptions.defaults())) {
      assertThat(ds.version()).isEqualTo(1);
      assertThat(ds.totalRows()).isEqualTo(ROWS);
      assertThat(ds.stats()).containsKey("word_count");
      Set<String> all = new HashSet<>();
      List<Integer> counts = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        List<List<String>> batches = read(ds, spec().rank(r).worldSize(4).build());
        counts.add(batches.size());
        for (String id : real(batches)) {
          assertThat(all.add(id)).as("%s twice", id).isTrue();
        }
      }
      assertThat(all).hasSize(ROWS);
      assertThat(counts).containsOnly(11); // ceil(75 / 7)
    }
  }

  @Test
  void threeShardsAndEightRanksWithDropGiveFullBatchesOnly() {
    try (TrainingDataset ds = TrainingDataset.open(dataset(), DatasetOptions.defaults())) {
      Set<String> all = new HashSet<>();
      for (int r = 0; r < 8; r++) {
        List<List<String>> batches =
            read(ds, spec().rank(r).worldSize(8).remainder(Remainder.DROP).build());
        assertThat(batches).hasSize(5); // floor(floor(300/8)/7)
        batches.forEach(b -> assertThat(b).hasSize(7).noneMatch(s -> s.startsWith("pad:")));
        batches.forEach(all::addAll);
      }
      assertThat(all).hasSize(8 * 5 * 7);
    }
  }

  @Test
  void sameSpecGivesSameSequenceAndOtherEpochAnotherOrder() {
    InMemoryObjectStore store = dataset();
    try (TrainingDataset a = TrainingDataset.open(store, DatasetOptions.defaults());
        TrainingDataset b = TrainingDataset.open(store, DatasetOptions.defaults())) {
      List<List<String>> first = read(a, spec().epoch(3).build());
      assertThat(read(b, spec().epoch(3).build())).isEqualTo(first);
      List<List<String>> other = read(a, spec().epoch(4).build());
      assertThat(other).isNotEqualTo(first);
      assertThat(new HashSet<>(real(other))).isEqualTo(new HashSet<>(real(first)));
      List<String> sequential = real(read(a, spec().sequential().build()));
      assertThat(sequential.get(0)).isEqualTo("a-0");
      assertThat(sequential.get(ROWS - 1)).isEqualTo("a-299");
    }
  }

  @Test
  void resumeMidEpochEqualsTheContinuationAndSkipsFetchedData() {
    InMemoryObjectStore store = dataset();
    ReadSpec spec =
        spec()
            .rank(1)
            .worldSize(2)
            .filter(Filter.between("word_count", 10, 80))
            .split(Split.TRAIN, 0.8)
            .build();
    List<List<String>> whole;
    String saved;
    List<List<String>> head = new ArrayList<>();
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
      whole = read(ds, spec);
      try (BatchIterator it = ds.batches(spec)) {
        for (int i = 0; i < 4; i++) {
          it.next();
        }
        saved = it.position().toString();
      }
    }
    assertThat(saved).startsWith("mtr2:version=1,segment=1,epoch=0,rank=1,world=2,spec=");
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults());
        BatchIterator it = ds.batches(spec, Position.parse(saved))) {
      head.addAll(TestDatasets.drain(it));
    }
    assertThat(head).isEqualTo(whole.subList(4, whole.size()));
    for (String id : real(whole)) {
      int n = Integer.parseInt(id.substring(2));
      long words = 1 + n % 97 + 1;
      assertThat(words).isBetween(10L, 80L);
      assertThat(Split.bucket(id)).isLessThan(0.8);
    }
  }

  @Test
  void splitSidesPartitionTheDataset() {
    try (TrainingDataset ds = TrainingDataset.open(dataset(), DatasetOptions.defaults())) {
      Set<String> train = new HashSet<>(real(read(ds, spec().split(Split.TRAIN, 0.7).build())));
      Set<String> val = new HashSet<>(real(read(ds, spec().split(Split.VALIDATION, 0.7).build())));
      assertThat(train).doesNotContainAnyElementsOf(val);
      assertThat(train.size() + val.size()).isEqualTo(ROWS);
      // python3 -c "import hashlib; b = lambda a: (int.from_bytes(hashlib.sha256(a.encode())
      //   .digest()[:8], 'big') >> 11) / 2**53; print(sum(b(f'a-{i}') < 0.7 for i in range(300)))"
      assertThat(train).hasSize(211);
    }
  }

  @Test
  void resumeWithAnotherSpecIsRejected() {
    try (TrainingDataset ds = TrainingDataset.open(dataset(), DatasetOptions.defaults())) {
      Position p;
      try (BatchIterator it = ds.batches(spec().build())) {
        it.next();
        p = it.position();
      }
      assertThatThrownBy(() -> ds.batches(spec().batchSize(8).build(), p))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot resume");
    }
  }

  @Test
  void corruptShardIsAnErrorNamingTheObjectOrSkippedAsPadding() {
    InMemoryObjectStore store = dataset();
    String path = "data/dt=2026-11-28/part-v1-1.arrow";
    byte[] bytes = store.bytes(path).clone();
    bytes[bytes.length / 2] ^= 0x5A;
    store.put(path, bytes);
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults());
        BatchIterator it = ds.batches(spec().build())) {
      assertThatThrownBy(() -> TestDatasets.drain(it))
          .isInstanceOf(ShardReadException.class)
          .hasMessageContaining(path)
          .hasMessageContaining("checksum");
    }
    try (TrainingDataset ds =
            TrainingDataset.open(
                store,
                DatasetOptions.builder()
                    .onCorruptShard(DatasetOptions.OnCorruptShard.SKIP)
                    .build());
        BatchIterator it = ds.batches(spec().build())) {
      List<List<String>> batches = TestDatasets.drain(it);
      assertThat(real(batches)).hasSize(200);
      assertThat(it.skippedUnits()).isEqualTo(7); // ceil(100 / 16) record batches
    }
  }

  @Test
  void planningTakesBatchRowsFromTheManifestWithoutReadingEachShard() {
    InMemoryObjectStore store = dataset();
    // Only the first shard stays (the plan reads the column schema from it).
    store.delete("data/dt=2026-11-28/part-v1-1.arrow");
    store.delete("data/dt=2026-11-28/part-v1-2.arrow");
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults());
        BatchIterator it = ds.batches(spec().build())) {
      // 300 rows in batches of 7, the last padded: planned although two files are gone.
      assertThat(it.batchCount()).isEqualTo(43);
      assertThatThrownBy(() -> TestDatasets.drain(it))
          .isInstanceOf(ShardReadException.class)
          .hasMessageMatching("(?s).*part-v1-[12]\\.arrow.*");
    }
  }

  @Test
  void shardsWithoutBatchRowsInTheManifestArePlannedFromTheirFooters() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    TestDatasets.commit(
        store, 0, 16, e -> e.toBuilder().batchRows(java.util.List.of()).build(), 100, 100, 100);
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
      assertThat(real(read(ds, spec().build()))).hasSize(ROWS);
    }
  }

  @Test
  void batchRowsThatDisagreeWithTheFileAreAClearError() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    // The file has batches of 16 rows; the manifest claims two of 50.
    TestDatasets.commit(
        store, 0, 16, e -> e.toBuilder().batchRows(java.util.List.of(50, 50)).build(), 100);
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults());
        BatchIterator it = ds.batches(spec().build())) {
      assertThatThrownBy(() -> TestDatasets.drain(it))
          .isInstanceOf(ShardReadException.class)
          .hasMessageContaining("part-v1-0.arrow")
          .hasMessageContaining("record batch")
          .hasMessageContaining("the manifest says 50 of 2");
    }
  }

  @Test
  void missingShardIsAnErrorNamingTheObject() {
    InMemoryObjectStore store = dataset();
    store.delete("data/dt=2026-11-28/part-v1-2.arrow");
    assertThatThrownBy(
            () -> {
              try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
                read(ds, spec().build());
              }
            })
        .isInstanceOf(ShardReadException.class)
        .hasMessageContaining("part-v1-2.arrow");
  }

  @Test
  void diskCacheServesTheSecondEpochWithoutGets(@TempDir Path cache) {
    InMemoryObjectStore store = dataset();
    DatasetOptions options =
        DatasetOptions.builder().cache(cache, 1L << 30).prefetchBytes(1).build();
    try (TrainingDataset ds = TrainingDataset.open(store, options)) {
      read(ds, spec().build());
    }
    try (TrainingDataset ds = TrainingDataset.open(store, options)) {
      assertThat(real(read(ds, spec().epoch(1).build()))).hasSize(ROWS);
      assertThat(ds.fetchCounts()[0]).isZero();
      assertThat(ds.fetchCounts()[1]).isGreaterThanOrEqualTo(3); // memory holds one shard
    }
  }

  private static long[] cacheState(Path cache) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(cache)) {
      List<Path> l = files.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
      long bytes = 0;
      for (Path p : l) {
        bytes += java.nio.file.Files.size(p);
      }
      return new long[] {l.size(), bytes};
    }
  }

  private static long[] shardSizes(InMemoryObjectStore store) {
    return java.util.stream.IntStream.range(0, 3)
        .mapToLong(i -> store.bytes("data/dt=2026-11-28/part-v1-" + i + ".arrow").length)
        .sorted()
        .toArray();
  }

  @Test
  void diskCacheEvictsTheLeastRecentlyUsedShardsToStayWithinItsByteBudget(@TempDir Path cache)
      throws Exception {
    InMemoryObjectStore store = dataset();
    long[] sizes = shardSizes(store);
    long budget = sizes[1] + sizes[2]; // room for two shards, never three
    DatasetOptions options = DatasetOptions.builder().cache(cache, budget).prefetchBytes(1).build();
    try (TrainingDataset ds = TrainingDataset.open(store, options)) {
      assertThat(real(read(ds, spec().sequential().build()))).hasSize(ROWS);
      assertThat(ds.fetchCounts()).containsExactly(3, 0);
    }
    long[] state = cacheState(cache);
    assertThat(state[0]).isEqualTo(2);
    assertThat(state[1]).isLessThanOrEqualTo(budget);
    // Make the access order explicit (file times may tie within a millisecond), then read the
    // shard that is not cached: its store evicts the least recently used of the other two.
    int missing = -1;
    Path[] cached = new Path[3];
    for (int i = 0; i < 3; i++) {
      try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(cache)) {
        String suffix = "part-v1-" + i + ".arrow";
        cached[i] = files.filter(p -> p.toString().endsWith(suffix)).findFirst().orElse(null);
      }
      missing = cached[i] == null ? i : missing;
    }
    int older = (missing + 1) % 3;
    int newer = (missing + 2) % 3;
    java.nio.file.Files.setLastModifiedTime(
        cached[older], java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    java.nio.file.Files.setLastModifiedTime(
        cached[newer], java.nio.file.attribute.FileTime.fromMillis(2_000_000));
    try (TrainingDataset ds = TrainingDataset.open(store, options)) {
      // Sequential on 3 ranks: rank k reads exactly shard k (100 rows each).
      List<String> ids = real(read(ds, spec().sequential().rank(missing).worldSize(3).build()));
      assertThat(ids).hasSize(100).contains("a-" + (100 * missing));
      assertThat(ds.fetchCounts()).containsExactly(1, 0);
    }
    assertThat(java.nio.file.Files.exists(cached[older])).isFalse();
    assertThat(java.nio.file.Files.exists(cached[newer])).isTrue();
    assertThat(cacheState(cache)).containsExactly(2, sizeOf(store, missing) + sizeOf(store, newer));
  }

  private static long sizeOf(InMemoryObjectStore store, int shard) {
    return store.bytes("data/dt=2026-11-28/part-v1-" + shard + ".arrow").length;
  }

  @Test
  void shardLargerThanTheCacheBudgetIsReadButNotCached(@TempDir Path cache) throws Exception {
    InMemoryObjectStore store = dataset();
    DatasetOptions options =
        DatasetOptions.builder().cache(cache, shardSizes(store)[0] - 1).prefetchBytes(1).build();
    for (int epoch = 0; epoch < 2; epoch++) {
      try (TrainingDataset ds = TrainingDataset.open(store, options)) {
        assertThat(real(read(ds, spec().sequential().build()))).hasSize(ROWS);
        assertThat(ds.fetchCounts()).containsExactly(3, 0);
      }
      assertThat(cacheState(cache)).containsExactly(0, 0);
    }
  }

  @Test
  void corruptCacheFileIsFetchedAgainAndReplaced(@TempDir Path cache) throws Exception {
    InMemoryObjectStore store = dataset();
    DatasetOptions options =
        DatasetOptions.builder().cache(cache, 1L << 30).prefetchBytes(1).build();
    List<String> expected;
    try (TrainingDataset ds = TrainingDataset.open(store, options)) {
      expected = real(read(ds, spec().sequential().build()));
    }
    Path victim;
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(cache)) {
      victim =
          files.filter(p -> p.toString().endsWith("part-v1-1.arrow")).findFirst().orElseThrow();
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(victim);
    bytes[bytes.length / 2] ^= 0x5A;
    java.nio.file.Files.write(victim, bytes);
    try (TrainingDataset ds = TrainingDataset.open(store, options)) {
      assertThat(real(read(ds, spec().sequential().build()))).isEqualTo(expected);
      assertThat(ds.fetchCounts()).containsExactly(1, 2);
    }
    assertThat(java.nio.file.Files.readAllBytes(victim))
        .isEqualTo(store.bytes("data/dt=2026-11-28/part-v1-1.arrow"));
  }

  @Test
  void followOnThreeRanksSeesTwoCommitsMadeMidEpochOnceEachWithEqualCounts() {
    InMemoryObjectStore store = dataset();
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
      List<BatchIterator> its = new ArrayList<>();
      List<List<String>> ids = new ArrayList<>();
      List<Integer> counts = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        its.add(ds.batches(spec().rank(r).worldSize(3).follow(Duration.ZERO).build()));
        ids.add(new ArrayList<>());
        counts.add(0);
      }
      for (int r = 0; r < 3; r++) {
        its.get(r).next();
        counts.set(r, 1);
      }
      TestDatasets.commit(store, 1000, 16, 20);
      TestDatasets.commit(store, 2000, 5, 7, 4);
      for (int r = 0; r < 3; r++) {
        BatchIterator it = its.get(r);
        while (it.hasNext()) {
          Batch b = it.next();
          counts.set(r, counts.get(r) + 1);
          for (int i = 0; i < b.size(); i++) {
            String id = b.string("article_id", i);
            if (!b.isPadding(i)
                && id.startsWith("a-")
                && Integer.parseInt(id.substring(2)) >= 1000) {
              ids.get(r).add(id);
            }
          }
        }
        assertThat(it.segmentVersion()).isEqualTo(3);
        it.close();
      }
      // v1: 300 rows -> ceil(100/7) = 15 batches; v2: 20 -> ceil(7/7) = 1; v3: 11 -> ceil(4/7) = 1.
      assertThat(counts).containsExactly(17, 17, 17);
      List<String> all = new ArrayList<>();
      ids.forEach(all::addAll);
      assertThat(all).doesNotHaveDuplicates().hasSize(31);
      assertThat(new java.util.HashSet<>(all))
          .contains("a-1000", "a-1019", "a-2000", "a-2010")
          .doesNotContain("a-1020", "a-2011");
    }
  }

  @Test
  void recordBatchModeReadsTheSameRows() {
    InMemoryObjectStore store = dataset();
    try (TrainingDataset a = TrainingDataset.open(store, DatasetOptions.defaults());
        TrainingDataset b =
            TrainingDataset.open(
                store,
                DatasetOptions.builder()
                    .fetchMode(DatasetOptions.FetchMode.RECORD_BATCH)
                    .build())) {
      assertThat(read(b, spec().build())).isEqualTo(read(a, spec().build()));
    }
  }

  @Test
  void followYieldsLaterCommitsAndRefreshMovesTheNextEpoch() {
    InMemoryObjectStore store = dataset();
    try (TrainingDataset ds =
        TrainingDataset.open(
            store, DatasetOptions.builder().followPollInterval(Duration.ofMillis(10)).build())) {
      ReadSpec spec = spec().follow(Duration.ofMillis(300)).build();
      List<String> ids = new ArrayList<>();
      try (BatchIterator it = ds.batches(spec)) {
        it.next().size();
        TestDatasets.commit(store, 1000, 16, 20);
        while (it.hasNext()) {
          Batch b = it.next();
          for (int i = 0; i < b.size(); i++) {
            if (!b.isPadding(i)) {
              ids.add(b.string("article_id", i));
            }
          }
        }
        assertThat(it.segmentVersion()).isEqualTo(2);
      }
      assertThat(ids).contains("a-1000", "a-1019");
      assertThat(ds.version()).isEqualTo(1);
      assertThat(ds.refresh()).isEqualTo(2);
      assertThat(real(read(ds, spec().build()))).hasSize(ROWS + 20);
    }
  }

  @Test
  void unknownColumnIsRejectedNamingIt() {
    try (TrainingDataset ds = TrainingDataset.open(dataset(), DatasetOptions.defaults())) {
      assertThatThrownBy(() -> ds.batches(spec().columns("nope").build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'nope'");
    }
  }
}
