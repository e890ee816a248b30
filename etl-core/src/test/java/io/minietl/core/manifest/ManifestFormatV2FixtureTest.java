package io.minietl.core.manifest;

import static io.minietl.core.manifest.Entries.T0;
import static io.minietl.core.manifest.Entries.errors;
import static io.minietl.core.manifest.Entries.legacyShard;
import static io.minietl.core.manifest.Entries.shard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minietl.core.stats.FeatureStats;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Manifests in format version 2 (src/test/resources/manifest/v2-*.json), tested both ways: the
 * fixtures read as the manifests built here, and the writer writes exactly the fixtures. Format 2
 * adds the commit id, the stream identity, and sub-sequence numbers and arrival times in the
 * checkpoint. Never edit these fixtures; add new ones for a new format version.
 */
class ManifestFormatV2FixtureTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final StreamIdentity STREAM =
      StreamIdentity.of(
          "arn:aws:kinesis:us-east-1:000000000000:stream/articles",
          Instant.parse("2026-11-01T09:00:00Z"));
  static final String SHARD_0 = "shardId-000000000000";
  static final String SHARD_1 = "shardId-000000000001";

  static Manifest snapshot() {
    return DatasetState.empty()
        .nextVersion()
        .writerId("runner-a")
        .commitId("3d0f6c1e-5b7a-4a53-9d2e-2f1c8a9b7e01")
        .stream(STREAM)
        .committedAt(T0)
        .addShard(legacyShard("a-1", 3, 5, 8).toBuilder().batchRows(List.of(2, 1)).build())
        .addErrorFile(errors("a-1", 1, 1))
        .updateCheckpoint(
            SHARD_0,
            ShardCheckpoint.closed("49590338271490256608559692538361571095921575989136580001")
                .withArrivalTime(Instant.parse("2026-11-28T13:58:00.125Z")))
        .updateCheckpoint(
            SHARD_1,
            // Inside a KPL-aggregated record: its user records 0..2 are committed.
            ShardCheckpoint.at("49590338271490256608559692538361571095921575989136588898", 2)
                .withArrivalTime(Instant.parse("2026-11-28T13:59:30Z"))
                .withParents(List.of(SHARD_0)))
        .build();
  }

  static Manifest delta() {
    return DatasetState.fromSnapshot(snapshot())
        .nextVersion()
        .writerId("runner-a")
        .commitId("8b2e4f90-1c3d-4e5f-a6b7-c8d9e0f1a2b3")
        .committedAt(T0.plusSeconds(60))
        .addShard(legacyShard("a-2", 13, 21).toBuilder().batchRows(List.of(2)).build())
        .updateCheckpoint(
            SHARD_1,
            ShardCheckpoint.at("49590338271490256608559692538361571095921575989136589999")
                .withArrivalTime(Instant.parse("2026-11-28T14:00:01Z"))
                .withParents(List.of(SHARD_0)))
        .build();
  }

  static Manifest read(String name) throws IOException {
    return ManifestFormatV1FixtureTest.read(name);
  }

  @Test
  void theFixturesReadAsTheManifestsTheyWereWrittenFrom() throws IOException {
    Manifest snapshot = read("v2-snapshot.json");
    assertThat(snapshot).isEqualTo(snapshot());
    assertThat(snapshot.formatVersion()).isEqualTo(2);
    assertThat(snapshot.commitId()).isEqualTo("3d0f6c1e-5b7a-4a53-9d2e-2f1c8a9b7e01");
    assertThat(snapshot.stream().arn())
        .isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/articles");
    assertThat(snapshot.stream().creationTime()).isEqualTo(Instant.parse("2026-11-01T09:00:00Z"));
    ShardCheckpoint inside = snapshot.checkpoint().get(SHARD_1);
    assertThat(inside.sequenceNumber())
        .isEqualTo("49590338271490256608559692538361571095921575989136588898");
    assertThat(inside.subSequenceNumber()).hasValue(2);
    assertThat(inside.arrivalTime()).isEqualTo(Instant.parse("2026-11-28T13:59:30Z"));
    assertThat(snapshot.checkpoint().get(SHARD_0).subSequenceNumber()).isEmpty();
    assertThat(snapshot.checkpoint().get(SHARD_0).arrivalTime())
        .isEqualTo(Instant.parse("2026-11-28T13:58:00.125Z"));

    Manifest delta = read("v2-delta.json");
    assertThat(delta).isEqualTo(delta());
    assertThat(delta.stream()).as("carried over from the snapshot").isEqualTo(STREAM);
    assertThat(delta.checkpoint().get(SHARD_1).subSequenceNumber()).isEmpty();
    DatasetState state = DatasetState.replay(snapshot, List.of(delta));
    assertThat(state.stream()).isEqualTo(STREAM);
    assertThat(state.stats("word_count"))
        .isEqualTo(FeatureStats.ofValues(3, 5, 8, 13, 21).withoutHistogram());
  }

  @Test
  void theWriterWritesTheFixturesExactly() throws IOException {
    for (String name : List.of("v2-snapshot.json", "v2-delta.json")) {
      Manifest built = name.contains("snapshot") ? snapshot() : delta();
      try (InputStream in = getClass().getResourceAsStream("/manifest/" + name)) {
        assertThat(MAPPER.readTree(ManifestParser.toJson(built)))
            .as(name)
            .isEqualTo(MAPPER.readTree(in));
      }
    }
  }

  @Test
  void aFormat1DatasetContinuesInFormat2() throws IOException {
    DatasetState v1 = DatasetState.fromSnapshot(read("v1-snapshot.json"));
    assertThat(v1.stream()).isNull();
    Manifest next =
        v1.nextVersion().writerId("runner-b").committedAt(T0.plusSeconds(60)).stream(
                STREAM) // adopted from the stream the writer reads
            .addShard(shard("b-2", 13, 21))
            .updateCheckpoint(SHARD_1, ShardCheckpoint.at("4959000000000000000000000000000000001"))
            .build();
    assertThat(next.formatVersion()).isEqualTo(Manifest.CURRENT_FORMAT_VERSION).isEqualTo(2);
    assertThat(next.commitId()).as("a random UUID by default").hasSize(36);
    Manifest readBack = ManifestParser.fromJson(ManifestParser.toJson(next));
    DatasetState v2 = v1.apply(readBack);
    assertThat(v2.stream()).isEqualTo(STREAM);
    assertThat(v2.totalRows()).isEqualTo(5);
    assertThat(v2.checkpoint().get(SHARD_0).closed()).isTrue();
  }

  @Test
  void format2FieldsAreReadOnlyFromFormat2() throws Exception {
    // A format 1 manifest never had them: a format 1 reader ignored such keys, so do we.
    ObjectNode v1 = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshot()));
    v1.put("format-version", 1);
    Manifest asV1 = ManifestParser.fromJson(MAPPER.writeValueAsString(v1));
    assertThat(asV1.commitId()).isNull();
    assertThat(asV1.stream()).isNull();
    assertThat(asV1.checkpoint().get(SHARD_1).subSequenceNumber()).isEmpty();

    ObjectNode noId = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshot()));
    noId.remove("commit-id");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(noId)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("Invalid manifest: missing 'commit-id'");

    ObjectNode badSub = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshot()));
    ((ObjectNode) badSub.get("checkpoint").get(SHARD_1)).put("sub-sequence-number", -3);
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(badSub)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("checkpoint." + SHARD_1)
        .hasMessageContaining("Invalid sub-sequence number: -3");

    ObjectNode badStream = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshot()));
    ((ObjectNode) badStream.get("stream")).remove("creation-time");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(badStream)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessage("Invalid manifest: missing 'creation-time' in stream");

    // No stream is allowed (a dataset not written from Kinesis), and none is written back.
    ObjectNode noStream = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshot()));
    noStream.remove("stream");
    Manifest without = ManifestParser.fromJson(MAPPER.writeValueAsString(noStream));
    assertThat(without.stream()).isNull();
    assertThat(MAPPER.readTree(ManifestParser.toJson(without)).has("stream")).isFalse();
  }

  @Test
  void format1CannotHoldFormat2Fields() {
    Manifest m = snapshot();
    assertThatThrownBy(() -> m.toBuilder().formatVersion(1).commitId(null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format version 1 cannot hold");
    assertThatThrownBy(() -> ShardCheckpoint.at("1").withSubSequenceNumber(-1))
        .hasMessage("Invalid sub-sequence number: -1 (must be >= 0)");
    assertThatThrownBy(() -> ShardCheckpoint.closed(null).withSubSequenceNumber(0))
        .hasMessageContaining("without a sequence number");
  }
}
