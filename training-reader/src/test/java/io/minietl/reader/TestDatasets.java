package io.minietl.reader;

import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.format.ShardSummary;
import io.minietl.core.format.ShardWriter;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.storage.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Writes test datasets: shards with etl-core's ShardWriter, commits with ManifestLog. */
final class TestDatasets {
  static final FeatureRegistry FEATURES = FeatureRegistry.defaults();
  static final Instant T0 = Instant.parse("2026-11-28T14:00:00Z");

  private TestDatasets() {}

  /**
   * Commits one version adding one shard per entry of {@code shardRows}; ids continue from {@code
   * firstId}.
   */
  static long commit(ObjectStore store, int firstId, int rowsPerBatch, int... shardRows) {
    return commit(store, firstId, rowsPerBatch, UnaryOperator.identity(), shardRows);
  }

  /** As {@link #commit(ObjectStore, int, int, int...)}, with each manifest entry edited first. */
  static long commit(
      ObjectStore store,
      int firstId,
      int rowsPerBatch,
      UnaryOperator<ShardEntry> edit,
      int... shardRows) {
    ManifestLog log = new ManifestLog(store);
    DatasetState state = log.load();
    DatasetState.NextVersion next =
        state.nextVersion().writerId("test").committedAt(T0.plusSeconds(state.version()));
    int id = firstId;
    for (int s = 0; s < shardRows.length; s++) {
      String path = "data/dt=2026-11-28/part-v" + (state.version() + 1) + "-" + s + ".arrow";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ShardSummary summary;
      try (ShardWriter w =
          ShardWriter.builder()
              .output(out)
              .features(FEATURES)
              .compression(ShardCompression.ZSTD)
              .rowsPerBatch(rowsPerBatch)
              .build()) {
        for (int r = 0; r < shardRows[s]; r++) {
          Article a =
              Article.builder()
                  .articleId("a-" + id)
                  .title("t" + id)
                  .content("word ".repeat(1 + id % 97) + id)
                  .build();
          w.append(
              a,
              Provenance.of("shardId-0", Integer.toString(1000 + id), "pk", T0, T0),
              FEATURES.computeAll(a));
          id++;
        }
        summary = w.finish();
      }
      store.put(path, out.toByteArray());
      next.addShard(
          edit.apply(
              ShardEntry.builder()
                  .path(path)
                  .summary(summary)
                  .compression("zstd")
                  .minIngestionTime(T0)
                  .maxIngestionTime(T0)
                  .build()));
    }
    if (log.commit(next.build()) != ManifestLog.Outcome.COMMITTED) {
      throw new IllegalStateException("commit conflict");
    }
    return state.version() + 1;
  }

  /** Every batch of an iterator as its non-padding article ids, in order. */
  static List<List<String>> drain(BatchIterator it) {
    List<List<String>> batches = new ArrayList<>();
    while (it.hasNext()) {
      Batch b = it.next();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < b.size(); i++) {
        ids.add((b.isPadding(i) ? "pad:" : "") + b.string("article_id", i));
      }
      batches.add(ids);
    }
    return batches;
  }
}
