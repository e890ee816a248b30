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
    assertThat(saved).startsWith("mtr1:version=1,segment=1,epoch=0,rank=1,world=2,spec=");
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
      assertThat(train.size()).isBetween(170, 250);
    }
  }

  @Test
  void splitBucketIsTheDocumentedSha256Prefix() {
    // python3 -c "import
    // hashlib;print((int.from_bytes(hashlib.sha256(b'a-0').digest()[:8],'big')>>11)/2**53)"
    assertThat(Split.bucket("a-0")).isEqualTo(PY_BUCKET_A0);
  }

  static final double PY_BUCKET_A0 = 0.40757895069821026;

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
