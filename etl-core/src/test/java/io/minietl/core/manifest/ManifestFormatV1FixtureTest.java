package io.minietl.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.stats.FeatureStats;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Manifests committed in format version 1 (src/test/resources/manifest/v1-*.json) must stay
 * readable by every later release. When the format changes, add new fixtures beside these; never
 * edit these. {@code v1-delta-batch-rows.json} is {@code v1-delta.json} as writers since the
 * optional {@code batch-rows} field write it.
 */
class ManifestFormatV1FixtureTest {

  static Manifest read(String name) throws IOException {
    try (InputStream in =
        ManifestFormatV1FixtureTest.class.getResourceAsStream("/manifest/" + name)) {
      assertThat(in).as(name).isNotNull();
      return ManifestParser.fromJson(in);
    }
  }

  @Test
  void v1SnapshotReads() throws IOException {
    Manifest m = read("v1-snapshot.json");
    assertThat(m.formatVersion()).isEqualTo(1);
    assertThat(m.version()).isEqualTo(1);
    assertThat(m.snapshot()).isTrue();
    assertThat(m.writerId()).isEqualTo("runner-a");
    assertThat(m.committedAt()).isEqualTo(Instant.parse("2026-11-28T14:00:00Z"));
    assertThat(m.shards()).hasSize(1).isEqualTo(m.addedShards());
    ShardEntry shard = m.shards().get(0);
    assertThat(shard.path()).isEqualTo("data/dt=2026-11-28/part-a-1.arrow");
    assertThat(shard.rows()).isEqualTo(3);
    assertThat(shard.compression()).isEqualTo("zstd");
    assertThat(shard.stats().get("word_count"))
        .isEqualTo(FeatureStats.ofValues(3, 5, 8).withoutHistogram());
    assertThat(m.errorFiles()).hasSize(1);
    assertThat(m.errorFiles().get(0).countsByReason()).containsEntry("not_json", 1L);
    assertThat(m.checkpoint().get("shardId-000000000000").closed()).isTrue();
    assertThat(m.checkpoint().get("shardId-000000000001").closed()).isFalse();
    assertThat(m.checkpoint().get("shardId-000000000001").sequenceNumber())
        .isEqualTo("49590338271490256608559692538361571095921575989136588898");
    assertThat(m.checkpoint().get("shardId-000000000001").parentShardIds())
        .containsExactly("shardId-000000000000");
    assertThat(m.totalRows()).isEqualTo(3);
    assertThat(m.totalErrorRecords()).isEqualTo(2);
    // Format 1 has none of format 2's fields.
    assertThat(m.commitId()).isNull();
    assertThat(m.stream()).isNull();
    assertThat(m.checkpoint().get("shardId-000000000001").subSequenceNumber()).isEmpty();
    assertThat(m.checkpoint().get("shardId-000000000001").arrivalTime()).isNull();
  }

  @Test
  void v1SnapshotPlusDeltaReplays() throws IOException {
    Manifest delta = read("v1-delta.json");
    assertThat(delta.snapshot()).isFalse();
    assertThat(delta.snapshotVersion()).isEqualTo(1);
    DatasetState state = DatasetState.replay(read("v1-snapshot.json"), List.of(delta));
    assertThat(state.version()).isEqualTo(2);
    assertThat(state.shards())
        .extracting(ShardEntry::path)
        .containsExactly("data/dt=2026-11-28/part-a-1.arrow", "data/dt=2026-11-28/part-a-2.arrow");
    assertThat(state.stats("word_count"))
        .isEqualTo(FeatureStats.ofValues(3, 5, 8, 13, 21).withoutHistogram());
    assertThat(state.stats("word_count").mean()).isEqualTo(10.0);
    assertThat(state.totalRows()).isEqualTo(5);
  }

  /**
   * A format 1 manifest keeps its format: written back, it is the fixture again (a tool that
   * rewrites manifests never upgrades one silently). The current writer writes format 2 (see {@link
   * ManifestFormatV2FixtureTest}).
   */
  @Test
  void aFormat1ManifestIsWrittenBackAsFormat1() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    for (String name : List.of("v1-snapshot.json", "v1-delta.json", "v1-delta-batch-rows.json")) {
      Manifest m = read(name);
      try (InputStream in = getClass().getResourceAsStream("/manifest/" + name)) {
        assertThat(mapper.readTree(ManifestParser.toJson(m)))
            .as(name)
            .isEqualTo(mapper.readTree(in));
      }
    }
    assertThat(read("v1-snapshot.json"))
        .isEqualTo(ManifestParserTest.asFormat1(ManifestParserTest.snapshotV1()));
    assertThat(read("v1-delta.json"))
        .isEqualTo(ManifestParserTest.asFormat1(ManifestParserTest.deltaV2()));
    assertThat(read("v1-delta-batch-rows.json"))
        .isEqualTo(ManifestParserTest.asFormat1(ManifestParserTest.deltaWithBatchRows()));
    assertThat(read("v1-delta-batch-rows.json").addedShards().get(0).batchRows())
        .containsExactly(1, 1);
  }
}
