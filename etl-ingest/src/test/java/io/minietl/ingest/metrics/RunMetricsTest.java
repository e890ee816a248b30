package io.minietl.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.stats.FeatureStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a runner tells {@link RunMetrics} is what a scrape shows, and what health says. */
class RunMetricsTest {
  @Test
  void scrapeShowsExactCountsLabelsAndTheCommitHistogram() {
    RunMetrics m = RunMetrics.create();
    m.started(2, FeatureStats.ofValues(10));
    m.recordsRead(10, 8);
    m.recordsRead(5, 5);
    m.errorRecord("not_json");
    m.errorRecord("not_json");
    m.errorRecord("missing_field");
    m.shardLag("shardId-000000000000", 1500);
    m.shardLag("shardId-000000000001", 0);
    m.shardLag("shardId-000000000001", 20);
    m.commitConflict();
    m.committed(3, Duration.ofMillis(300), FeatureStats.ofValues(1, 2, 3, 4));
    m.tick(4096, List.of());

    List<String> lines = m.scrape().lines().toList();
    assertThat(lines)
        .contains(
            "minietl_records_read_total 15.0",
            "minietl_rows_written_total 13.0",
            "minietl_error_records_total{reason=\"missing_field\"} 1.0",
            "minietl_error_records_total{reason=\"not_json\"} 2.0",
            "minietl_millis_behind_latest{shard=\"shardId-000000000000\"} 1500.0",
            "minietl_millis_behind_latest{shard=\"shardId-000000000001\"} 20.0",
            "minietl_commits_total 1.0",
            "minietl_commit_conflicts_total 1.0",
            "minietl_commit_seconds_bucket{le=\"0.25\"} 0",
            "minietl_commit_seconds_bucket{le=\"0.5\"} 1",
            "minietl_commit_seconds_bucket{le=\"+Inf\"} 1",
            "minietl_commit_seconds_count 1",
            "minietl_commit_seconds_sum 0.3",
            "minietl_manifest_version 3.0",
            "minietl_buffer_bytes 4096.0",
            "minietl_word_count_mean 2.5",
            "# TYPE minietl_records_read_total counter",
            "# TYPE minietl_commit_seconds histogram");

    m.shardEnded("shardId-000000000000");
    assertThat(m.scrape()).doesNotContain("shardId-000000000000").contains("shardId-000000000001");
  }

  @Test
  void aShardThatHasNotAnsweredHasNoLagSample() {
    RunMetrics m = RunMetrics.create();
    m.shardLag("shardId-000000000000", -1);
    assertThat(m.scrape()).doesNotContain("minietl_millis_behind_latest{");
    m.shardEnded("shardId-000000000000"); // never had a sample: nothing to remove
    assertThat(m.scrape()).doesNotContain("minietl_millis_behind_latest{");
  }

  @Test
  void healthyUntilACommitFailsAgainAfterTheNextCommitUnhealthyWhileStalledOrStopped() {
    RunMetrics m = RunMetrics.create();
    assertThat(m.health().healthy()).isTrue(); // also before the first commit
    assertThat(m.health().httpStatus()).isEqualTo(200);
    assertThat(m.health().json())
        .isEqualTo("{\"status\":\"ok\",\"manifest_version\":-1,\"problems\":[]}");
    m.started(4, FeatureStats.empty());

    m.commitFailed(new IllegalStateException("Cannot upload data/x.arrow: disk full\nmore"));
    Health failed = m.health();
    assertThat(failed.httpStatus()).isEqualTo(503);
    assertThat(failed.problems()).hasSize(1);
    assertThat(failed.problems().get(0))
        .startsWith("a commit failed at ")
        .endsWith(": IllegalStateException Cannot upload data/x.arrow: disk full");
    assertThat(failed.json()).startsWith("{\"status\":\"unhealthy\",\"manifest_version\":4,");

    m.committed(5, Duration.ofMillis(20), FeatureStats.empty());
    assertThat(m.health().healthy()).isTrue();
    assertThat(m.health().manifestVersion()).isEqualTo(5);

    m.tick(0, List.of("shard shardId-000000000002 failing since 2026-12-02T01:00:00Z"));
    assertThat(m.health().problems())
        .containsExactly("stalled: shard shardId-000000000002 failing since 2026-12-02T01:00:00Z");
    m.tick(0, List.of());
    assertThat(m.health().healthy()).isTrue();

    m.stopped(null);
    assertThat(m.health().problems()).containsExactly("the processing loop stopped");
    assertThat(m.health().httpStatus()).isEqualTo(503);
  }
}
