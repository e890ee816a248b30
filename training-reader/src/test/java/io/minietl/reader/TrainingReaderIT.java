package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reader against S3 (s3proxy in process): a dataset written by etl-core's writer. */
@LocalStack
class TrainingReaderIT {

  private static S3ObjectStore dataset(S3Emulator s3) {
    String bucket = s3.createBucket();
    S3ObjectStore store = S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/ds"));
    TestDatasets.commit(store, 0, 32, 250, 120, 330);
    return store;
  }

  private static ReadSpec.Builder spec() {
    return ReadSpec.builder().batchSize(10).columns("article_id", "content").shuffle(7);
  }

  private static List<String> real(List<List<String>> batches) {
    List<String> ids = new ArrayList<>();
    batches.forEach(b -> b.stream().filter(s -> !s.startsWith("pad:")).forEach(ids::add));
    return ids;
  }

  @Test
  void fourRanksReadEveryRowOnceWithEqualBatchCounts(S3Emulator s3) {
    S3ObjectStore store = dataset(s3);
    for (DatasetOptions.FetchMode mode : DatasetOptions.FetchMode.values()) {
      try (TrainingDataset ds =
          TrainingDataset.open(
              URI.create("s3://" + store.bucket() + "/ds"),
              s3.client(),
              DatasetOptions.builder().fetchMode(mode).build())) {
        Set<String> all = new HashSet<>();
        Set<Integer> counts = new HashSet<>();
        for (int rank = 0; rank < 4; rank++) {
          try (BatchIterator it = ds.batches(spec().rank(rank).worldSize(4).build())) {
            List<List<String>> batches = TestDatasets.drain(it);
            counts.add(batches.size());
            for (String id : real(batches)) {
              assertThat(all.add(id)).as("%s twice (%s)", id, mode).isTrue();
            }
          }
        }
        assertThat(all).hasSize(700);
        assertThat(counts).containsExactly(18); // ceil(175 / 10)
      }
    }
  }

  @Test
  void rangedReadReturnsTheRequestedBytes(S3Emulator s3) {
    S3ObjectStore store = dataset(s3);
    String key = "data/dt=2026-11-28/part-v1-0.arrow";
    byte[] all = store.get(key).orElseThrow();
    assertThat(store.getRange(key, 10, 20).orElseThrow())
        .isEqualTo(java.util.Arrays.copyOfRange(all, 10, 30));
    assertThat(store.getRange(key, all.length - 5, 100).orElseThrow()).hasSize(5);
    assertThat(store.getRange(key, all.length + 10, 4).orElseThrow()).isEmpty();
    assertThat(store.getRange("nope", 0, 4)).isEmpty();
  }

  @Test
  void overwrittenShardIsDetectedByItsChecksum(S3Emulator s3) {
    S3ObjectStore store = dataset(s3);
    String key = "data/dt=2026-11-28/part-v1-2.arrow";
    byte[] bytes = store.get(key).orElseThrow();
    bytes[bytes.length / 3] ^= 1;
    store.put(key, bytes);
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults());
        BatchIterator it = ds.batches(spec().build())) {
      assertThatThrownBy(() -> TestDatasets.drain(it))
          .isInstanceOf(ShardReadException.class)
          .hasMessageContaining(store.location() + "/" + key)
          .hasMessageContaining("checksum")
          .extracting(e -> ((ShardReadException) e).path())
          .isEqualTo(key);
    }
  }

  @Test
  void followSeesACommitMadeDuringIteration(S3Emulator s3) {
    S3ObjectStore store = dataset(s3);
    try (TrainingDataset ds =
            TrainingDataset.open(
                store, DatasetOptions.builder().followPollInterval(Duration.ofMillis(20)).build());
        BatchIterator it = ds.batches(spec().follow(Duration.ofSeconds(2)).build())) {
      it.next();
      TestDatasets.commit(store, 5000, 32, 40);
      List<String> ids = real(TestDatasets.drain(it));
      assertThat(ids).contains("a-5000", "a-5039");
      assertThat(ids).hasSize(700 - 10 + 40);
      assertThat(it.position().segment()).isEqualTo(2);
      assertThat(it.position().version()).isEqualTo(1);
    }
  }

  @Test
  void resumeMidEpochEqualsTheContinuation(S3Emulator s3) {
    S3ObjectStore store = dataset(s3);
    ReadSpec spec = spec().rank(2).worldSize(4).split(Split.TRAIN, 0.9).build();
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
      List<List<String>> whole;
      try (BatchIterator it = ds.batches(spec)) {
        whole = TestDatasets.drain(it);
      }
      String saved;
      try (BatchIterator it = ds.batches(spec)) {
        for (int i = 0; i < 7; i++) {
          it.next();
        }
        saved = it.position().toString();
      }
      TestDatasets.commit(store, 9000, 32, 50); // a later commit does not change the epoch
      try (TrainingDataset again = TrainingDataset.open(store, DatasetOptions.defaults());
          BatchIterator it = again.batches(spec, Position.parse(saved))) {
        assertThat(again.version()).isEqualTo(2);
        assertThat(TestDatasets.drain(it)).isEqualTo(whole.subList(7, whole.size()));
      }
    }
  }
}
