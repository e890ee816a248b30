package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.ingest.metrics.Health;
import io.minietl.ingest.metrics.RunMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's hook ({@link RunListener}) feeding {@link RunMetrics}: exact counts after a run, the
 * health going unhealthy on a failed upload and healthy again with the next commit, and unhealthy
 * while a shard is stalled. In-memory fakes of our stream and store interfaces (the logic under
 * test is ours); the real endpoint on the emulators is {@code CliProcessIT}'s.
 */
class RunnerMetricsTest {
  @TempDir Path temp;

  private final List<String> lines = new CopyOnWriteArrayList<>();

  private IngestOptions.Builder options() {
    return IngestOptions.builder()
        .tempDir(temp)
        .minCallInterval(Duration.ZERO)
        .idlePollInterval(Duration.ofMillis(5))
        .shardDiscoveryInterval(Duration.ofMillis(50))
        .progressInterval(Duration.ofMillis(100))
        .stopWhenIdle(Duration.ofMillis(300));
  }

  /** RunMetrics, and the health seen after every commit event. */
  private static final class Recording implements RunListener {
    final RunMetrics metrics = RunMetrics.create();
    final List<Health> afterCommitEvents = new CopyOnWriteArrayList<>();

    @Override
    public void started(long manifestVersion, FeatureStats wordCount) {
      metrics.started(manifestVersion, wordCount);
    }

    @Override
    public void recordsRead(int records, int rows) {
      metrics.recordsRead(records, rows);
    }

    @Override
    public void errorRecord(String reason) {
      metrics.errorRecord(reason);
    }

    @Override
    public void shardLag(String shardId, long millisBehindLatest) {
      metrics.shardLag(shardId, millisBehindLatest);
    }

    @Override
    public void shardEnded(String shardId) {
      metrics.shardEnded(shardId);
    }

    @Override
    public void committed(long manifestVersion, Duration took, FeatureStats wordCount) {
      metrics.committed(manifestVersion, took, wordCount);
      afterCommitEvents.add(metrics.health());
    }

    @Override
    public void commitConflict() {
      metrics.commitConflict();
    }

    @Override
    public void commitFailed(Throwable failure) {
      metrics.commitFailed(failure);
      afterCommitEvents.add(metrics.health());
    }

    @Override
    public void tick(long bufferedBytes, List<String> stalled) {
      metrics.tick(bufferedBytes, stalled);
    }

    @Override
    public void stopped(Throwable failure) {
      metrics.stopped(failure);
    }
  }

  @Test
  void countsAreExactAndAFailedUploadIsUnhealthyUntilTheNextCommit() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 2);
    for (int i = 0; i < 60; i++) {
      String words = "w ".repeat(i % 4 + 1).trim(); // 1, 2, 3 or 4 words: mean 2.5
      stream.put("k" + i, json("a" + i, words));
    }
    for (int i = 0; i < 4; i++) {
      stream.put("bad" + i, ("not json " + i).getBytes(StandardCharsets.UTF_8));
    }
    stream.put("nocontent", "{\"article_id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    InMemoryObjectStore store = new InMemoryObjectStore().failEveryNthPut(2);
    Recording listener = new Recording();
    IngestRunner runner =
        new IngestRunner(
            stream,
            store,
            options().maxShardRows(20).build(),
            lines::add,
            listener,
            Clock.systemUTC(),
            Sleeper.SYSTEM);

    RunSummary summary = CompletableFuture.supplyAsync(runner::run).get(60, TimeUnit.SECONDS);

    assertThat(store.injectedFailures.get()).isPositive();
    List<String> scrape = listener.metrics.scrape().lines().toList();
    assertThat(scrape)
        .contains(
            "minietl_records_read_total 65.0",
            "minietl_rows_written_total 60.0",
            "minietl_error_records_total{reason=\"not_json\"} 4.0",
            "minietl_error_records_total{reason=\"missing_field\"} 1.0",
            "minietl_commits_total " + (double) summary.commits(),
            "minietl_commit_seconds_count " + summary.commits(),
            "minietl_manifest_version " + (double) summary.manifestVersion(),
            "minietl_word_count_mean 2.5",
            "minietl_commit_conflicts_total 0.0");
    assertThat(summary.commits()).isGreaterThanOrEqualTo(3); // 60 rows, 20 a shard
    // A failed upload makes the run unhealthy; the commit that follows makes it healthy again.
    List<Health> seen = listener.afterCommitEvents;
    int firstFailure = indexOf(seen, h -> !h.healthy());
    assertThat(firstFailure).as("health after each commit event: %s", seen).isNotNegative();
    assertThat(seen.get(firstFailure).problems().get(0))
        .startsWith("a commit failed at ")
        .contains("503 Slow Down (injected)");
    assertThat(seen.subList(firstFailure, seen.size())).anyMatch(Health::healthy);
    assertThat(seen.get(seen.size() - 1).healthy()).isTrue();
    assertThat(listener.metrics.health().problems()).containsExactly("the processing loop stopped");
  }

  @Test
  void aStalledShardIsUnhealthyWhileItStalls() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1).throttleEvery(1); // never answers
    stream.put("k", json("a", "w"));
    Recording listener = new Recording();
    IngestRunner runner =
        new IngestRunner(
            stream,
            new InMemoryObjectStore(),
            options().stopWhenIdle(null).stallWarning(Duration.ZERO).build(),
            lines::add,
            listener,
            Clock.systemUTC(),
            Sleeper.SYSTEM);
    CompletableFuture<RunSummary> f = CompletableFuture.supplyAsync(runner::run);
    try {
      Await.until(
          "the health naming the stalled shard",
          Duration.ofSeconds(30),
          () -> !listener.metrics.health().healthy());
      Health h = listener.metrics.health();
      assertThat(h.httpStatus()).isEqualTo(503);
      assertThat(h.problems())
          .singleElement()
          .asString()
          .startsWith("stalled: shard shardId-000000000000 failing since ");
      // Never answered: no lag sample rather than -1.
      assertThat(listener.metrics.scrape()).doesNotContain("minietl_millis_behind_latest{");
    } finally {
      runner.stop();
      f.get(30, TimeUnit.SECONDS);
    }
  }

  private static byte[] json(String id, String content) {
    return ("{\"article_id\":\"" + id + "\",\"content\":\"" + content + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static <T> int indexOf(List<T> list, java.util.function.Predicate<T> p) {
    for (int i = 0; i < list.size(); i++) {
      if (p.test(list.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
