package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.stats.FeatureStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetCommittableTest {
  private static final ShardEntry SHARD =
      ShardEntry.builder()
          .path("data/dt=2026-12-01/part-a.arrow")
          .rows(3)
          .bytes(1234)
          .checksum("crc32c:0a0b0c0d")
          .compression("zstd")
          .stats(Map.of("word_count", FeatureStats.ofValues(3, 5, 7)))
          .minIngestionTime(Instant.parse("2026-12-01T10:00:00Z"))
          .maxIngestionTime(Instant.parse("2026-12-01T10:00:01.000123Z"))
          .batchRows(List.of(2, 1))
          .build();
  private static final ErrorFileEntry ERRORS =
      ErrorFileEntry.builder()
          .path("errors/dt=2026-12-01/part-b.jsonl.gz")
          .records(2)
          .bytes(99)
          .checksum("crc32c:01020304")
          .countsByReason(Map.of("not_json", 1L, "too_large", 1L))
          .build();

  @Test
  void survivesFlinkStateUnchanged() throws Exception {
    DatasetCommittable c =
        new DatasetCommittable(
            List.of(SHARD),
            List.of(ERRORS),
            Map.of(
                "shardId-1", ShardCheckpoint.at("49650000000000000000000000000000000000000000001"),
                "shardId-2", ShardCheckpoint.closed("7")),
            Instant.parse("2026-12-01T10:00:02.123Z"));
    var s = DatasetCommittable.SERIALIZER;

    DatasetCommittable back = s.deserialize(s.getVersion(), s.serialize(c));

    assertThat(back).isEqualTo(c);
  }

  @Test
  void aVersion1CommittableReadsBackWithAnUnknownUploadTime() throws Exception {
    DatasetCommittable c =
        new DatasetCommittable(
            List.of(SHARD),
            List.of(),
            Map.of("s1", cp("100")),
            Instant.parse("2026-12-01T10:00:00Z"));
    var s = DatasetCommittable.SERIALIZER;

    // Version 1 wrote the same document with committedAt 0; it is read back as "uploaded at 0",
    // past any commit deadline.
    DatasetCommittable back = s.deserialize(1, s.serialize(c));

    assertThat(back.uploadedAt()).isEqualTo(Instant.EPOCH);
    assertThat(back.shards()).isEqualTo(c.shards());
  }

  @Test
  void mergeKeepsEveryFileAndTheFurthestPositionOfEachShard() {
    DatasetCommittable a =
        new DatasetCommittable(
            List.of(SHARD),
            List.of(),
            Map.of("s1", ShardCheckpoint.at("100"), "s2", cp("5")),
            Instant.parse("2026-12-01T10:00:05Z"));
    DatasetCommittable b =
        new DatasetCommittable(
            List.of(),
            List.of(ERRORS),
            Map.of("s1", ShardCheckpoint.at("99"), "s3", cp("1")),
            Instant.parse("2026-12-01T10:00:04Z"));

    DatasetCommittable m = DatasetCommittable.merge(List.of(a, b));

    assertThat(m.shards()).containsExactly(SHARD);
    assertThat(m.errorFiles()).containsExactly(ERRORS);
    // "100" > "99" as numbers, not as strings
    assertThat(m.positions())
        .isEqualTo(Map.of("s1", ShardCheckpoint.at("100"), "s2", cp("5"), "s3", cp("1")));
    assertThat(m.uploadedAt()).isEqualTo(Instant.parse("2026-12-01T10:00:04Z"));
  }

  @Test
  void aReplayIsRecognisedByItsFilesOrByPositionsTheManifestPassed() {
    Manifest v1 =
        DatasetState.empty()
            .nextVersion()
            .writerId("flink-t")
            .committedAt(Instant.EPOCH)
            .addShard(SHARD)
            .updateCheckpoint("s1", ShardCheckpoint.at("100"))
            .build();
    DatasetState state = DatasetState.empty().apply(v1);

    assertThat(
            DatasetCommitter.isLive(
                new DatasetCommittable(
                    List.of(SHARD), List.of(), Map.of("s1", cp("100")), Instant.EPOCH),
                state))
        .isTrue();
    assertThat(
            DatasetCommitter.isLive(
                new DatasetCommittable(
                    List.of(), List.of(ERRORS), Map.of("s1", cp("101")), Instant.EPOCH),
                state))
        .isFalse();
    // Files under other names (a copy made past the commit deadline was committed), positions the
    // manifest holds: the replay of the original is in.
    assertThat(
            DatasetCommitter.isLive(
                new DatasetCommittable(
                    List.of(), List.of(ERRORS), Map.of("s1", cp("100")), Instant.EPOCH),
                state))
        .isTrue();
    // Positions only (a shard that ended with no new record): live once the manifest holds them.
    assertThat(DatasetCommitter.isLive(positions("s1", cp("99")), state)).isTrue();
    assertThat(DatasetCommitter.isLive(positions("s1", cp("101")), state)).isFalse();
    assertThat(DatasetCommitter.isLive(positions("s1", ShardCheckpoint.closed("100")), state))
        .isFalse();
    assertThat(DatasetCommitter.isLive(positions("s2", cp("1")), state)).isFalse();
  }

  private static ShardCheckpoint cp(String seq) {
    return ShardCheckpoint.at(seq);
  }

  private static DatasetCommittable positions(String shard, ShardCheckpoint cp) {
    return new DatasetCommittable(List.of(), List.of(), Map.of(shard, cp), Instant.EPOCH);
  }
}
