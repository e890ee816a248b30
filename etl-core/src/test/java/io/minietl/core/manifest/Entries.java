package io.minietl.core.manifest;

import io.minietl.core.stats.FeatureStats;
import java.time.Instant;
import java.util.Map;

/** Test data. */
final class Entries {
  static final Instant T0 = Instant.parse("2026-11-28T14:00:00Z");

  private Entries() {}

  static ShardEntry shard(String name, long... wordCounts) {
    return ShardEntry.builder()
        .path("data/dt=2026-11-28/part-" + name + ".arrow")
        .rows(wordCounts.length)
        .bytes(1000L + 100L * wordCounts.length)
        .checksum(Checksums.crc32c(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .compression("zstd")
        .stats(
            Map.of(
                "word_count",
                FeatureStats.ofValues(wordCounts),
                "char_count",
                FeatureStats.ofValues(
                    java.util.Arrays.stream(wordCounts).map(w -> w * 6).toArray())))
        .minIngestionTime(T0)
        .maxIngestionTime(T0.plusSeconds(wordCounts.length))
        .build();
  }

  /**
   * {@link #shard} with statistics that carry no histogram: what manifests written before
   * histograms hold (the v1 and v2 fixtures).
   */
  static ShardEntry legacyShard(String name, long... wordCounts) {
    ShardEntry s = shard(name, wordCounts);
    Map<String, FeatureStats> stats = new java.util.TreeMap<>();
    s.stats().forEach((k, v) -> stats.put(k, v.withoutHistogram()));
    return s.toBuilder().stats(stats).build();
  }

  static ErrorFileEntry errors(String name, long notJson, long tooLarge) {
    return ErrorFileEntry.builder()
        .path("errors/dt=2026-11-28/part-" + name + ".jsonl.gz")
        .records(notJson + tooLarge)
        .bytes(200 + 50 * (notJson + tooLarge))
        .checksum("crc32c:0badf00d")
        .countsByReason(Map.of("not_json", notJson, "too_large", tooLarge))
        .build();
  }
}
