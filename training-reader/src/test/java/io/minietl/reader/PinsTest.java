package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.storage.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PinsTest {
  private static ReadSpec.Builder spec(int rank) {
    return ReadSpec.builder().batchSize(7).columns("article_id").shuffle(3).rank(rank).worldSize(2);
  }

  private static DatasetOptions pinned(String run) {
    return DatasetOptions.builder().pin(run, 0).followPollInterval(Duration.ofMillis(5)).build();
  }

  @Test
  void aCommitBetweenTwoRanksOpensDoesNotChangeThePinnedVersion() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    TestDatasets.commit(store, 0, 16, 100, 50);
    try (TrainingDataset rank0 = TrainingDataset.open(store, pinned("run-1"))) {
      TestDatasets.commit(store, 1000, 16, 40); // lands between the two ranks' opens
      try (TrainingDataset rank1 = TrainingDataset.open(store, pinned("run-1"));
          TrainingDataset loose = TrainingDataset.open(store, DatasetOptions.defaults())) {
        assertThat(List.of(rank0.version(), rank1.version(), loose.version()))
            .containsExactly(1L, 1L, 2L);
        List<List<String>> a = TestDatasets.drain(rank0.batches(spec(0).build()));
        List<List<String>> b = TestDatasets.drain(rank1.batches(spec(1).build()));
        assertThat(a).hasSameSizeAs(b).hasSize(11); // ceil(75 / 7)
        Set<String> rows = new HashSet<>();
        a.forEach(rows::addAll);
        b.forEach(rows::addAll);
        rows.removeIf(s -> s.startsWith("pad:"));
        assertThat(rows).hasSize(150);
      }
      assertThat(rank0.refresh(1)).isEqualTo(2);
    }
    assertThat(new String(store.bytes("_pins/run-1/epoch-0.json"), StandardCharsets.UTF_8))
        .contains("\"epoch\":0,\"format\":1,\"run-id\":\"run-1\",\"version\":1");
  }

  @Test
  void aFollowBoundaryIsDecidedOnceForAllRanks() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    TestDatasets.commit(store, 0, 16, 100, 50);
    try (TrainingDataset r0 = TrainingDataset.open(store, pinned("run-2"));
        TrainingDataset r1 = TrainingDataset.open(store, pinned("run-2"))) {
      ReadSpec.Builder follow = spec(0).follow(Duration.ZERO);
      int n0 = TestDatasets.drain(r0.batches(follow.rank(0).build())).size(); // v2 missing: end
      TestDatasets.commit(store, 1000, 16, 40);
      int n1 = TestDatasets.drain(r1.batches(follow.rank(1).build())).size(); // ended already
      assertThat(n1).isEqualTo(n0).isEqualTo(11);
    }
    assertThat(new String(store.bytes("_pins/run-2/epoch-0/after-1.json"), StandardCharsets.UTF_8))
        .contains("\"next\":false");
    try (TrainingDataset r0 = TrainingDataset.open(store, pinned("run-3"));
        TrainingDataset r1 = TrainingDataset.open(store, pinned("run-3"))) {
      ReadSpec.Builder follow = spec(0).follow(Duration.ZERO);
      // run-3 starts on v2 (latest); v3 lands before rank 0 reaches the boundary: both follow it.
      TestDatasets.commit(store, 2000, 16, 30);
      int n0 = TestDatasets.drain(r0.batches(follow.rank(0).build())).size();
      int n1 = TestDatasets.drain(r1.batches(follow.rank(1).build())).size();
      assertThat(r0.version()).isEqualTo(2);
      assertThat(n0).isEqualTo(n1).isEqualTo(14 + 3); // ceil(95/7) + ceil(15/7)
    }
  }
}
