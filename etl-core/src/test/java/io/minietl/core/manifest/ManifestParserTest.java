package io.minietl.core.manifest;

import static io.minietl.core.manifest.Entries.T0;
import static io.minietl.core.manifest.Entries.errors;
import static io.minietl.core.manifest.Entries.legacyShard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minietl.core.stats.FeatureStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Manifest snapshotV1() {
    return DatasetState.empty()
        .nextVersion()
        .writerId("runner-a")
        .commitId("commit-a-1")
        .committedAt(T0)
        .addShard(legacyShard("a-1", 3, 5, 8))
        .addErrorFile(errors("a-1", 1, 1))
        // A resharded stream: shard 0 was read to its end, its child shard 1 is being read.
        .updateCheckpoint(
            "shardId-000000000000",
            ShardCheckpoint.closed("49590338271490256608559692538361571095921575989136580001"))
        .updateCheckpoint(
            "shardId-000000000001",
            ShardCheckpoint.at("49590338271490256608559692538361571095921575989136588898")
                .withParents(List.of("shardId-000000000000")))
        .build();
  }

  static Manifest deltaV2() {
    return DatasetState.fromSnapshot(snapshotV1())
        .nextVersion()
        .writerId("runner-a")
        .commitId("commit-a-2")
        .committedAt(T0.plusSeconds(60))
        .addShard(legacyShard("a-2", 13, 21))
        .updateCheckpoint(
            "shardId-000000000001",
            ShardCheckpoint.at("49590338271490256608559692538361571095921575989136589999")
                .withParents(List.of("shardId-000000000000")))
        .build();
  }

  /** {@code m} as a format 1 writer wrote it: no commit id, no stream, no format 2 positions. */
  static Manifest asFormat1(Manifest m) {
    return m.toBuilder().formatVersion(1).commitId(null).stream(null).build();
  }

  @Test
  void snapshotAndDeltaRoundTrip() {
    for (Manifest m : List.of(snapshotV1(), deltaV2())) {
      String json = ManifestParser.toJson(m);
      Manifest read = ManifestParser.fromJson(json);
      assertThat(read).isEqualTo(m);
      assertThat(read.hashCode()).isEqualTo(m.hashCode());
      assertThat(ManifestParser.toJson(read)).isEqualTo(json);
      assertThat(ManifestParser.fromJson(ManifestParser.toJsonBytes(m))).isEqualTo(m);
      assertThat(
              ManifestParser.fromJson(
                  new java.io.ByteArrayInputStream(ManifestParser.toJsonBytes(m))))
          .isEqualTo(m);
    }
  }

  @Test
  void deltaHasNoFullListsAndSnapshotHasThem() throws Exception {
    var snapshot = MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
    var delta = MAPPER.readTree(ManifestParser.toJson(deltaV2()));
    assertThat(snapshot.get("snapshot").booleanValue()).isTrue();
    assertThat(snapshot.has("shards")).isTrue();
    assertThat(snapshot.has("error-files")).isTrue();
    assertThat(delta.get("snapshot").booleanValue()).isFalse();
    assertThat(delta.get("snapshot-version").longValue()).isEqualTo(1);
    assertThat(delta.get("parent-version").longValue()).isEqualTo(1);
    assertThat(delta.has("shards")).isFalse();
    assertThat(
            delta.get("checkpoint").get("shardId-000000000001").get("sequence-number").isTextual())
        .isTrue();
    assertThat(delta.get("stats").get("word_count").get("count").longValue()).isEqualTo(5);
    assertThat(delta.get("total-rows").longValue()).isEqualTo(5);
  }

  @Test
  void outputIsDeterministicWhateverTheMapInsertionOrder() {
    Manifest m = deltaV2();
    Map<String, ShardCheckpoint> reversed = new LinkedHashMap<>();
    List<String> keys = new java.util.ArrayList<>(m.checkpoint().keySet());
    java.util.Collections.reverse(keys);
    keys.forEach(k -> reversed.put(k, m.checkpoint().get(k)));
    Map<String, FeatureStats> stats = new LinkedHashMap<>();
    stats.put("word_count", m.stats().get("word_count"));
    stats.put("char_count", m.stats().get("char_count"));
    Manifest same = m.toBuilder().checkpoint(reversed).stats(stats).build();
    assertThat(ManifestParser.toJsonBytes(same)).isEqualTo(ManifestParser.toJsonBytes(m));
  }

  @Test
  void unknownFieldsAreIgnoredAtEveryLevel() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
    node.put("written-by", "mini-etl 9.9");
    node.putObject("future-feature").put("x", 1);
    ((ObjectNode) node.get("added-shards").get(0)).put("sort-order", "article_id");
    ((ObjectNode) node.get("checkpoint").get("shardId-000000000000")).put("lease", "x");
    ((ObjectNode) node.get("stats").get("word_count")).put("p50", 5);
    assertThat(ManifestParser.fromJson(MAPPER.writeValueAsString(node))).isEqualTo(snapshotV1());
  }

  @Test
  void aFutureFormatVersionIsAClearError() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
    node.put("format-version", 7);
    node.remove("total-rows"); // a v7 may have changed anything: the version is checked first
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(node)))
        .isInstanceOf(UnsupportedFormatVersionException.class)
        .hasMessage(
            "Cannot read manifest format version 7: this reader supports up to 2; upgrade"
                + " mini-etl")
        .satisfies(
            e -> assertThat(((UnsupportedFormatVersionException) e).formatVersion()).isEqualTo(7));
  }

  @Test
  void missingRequiredFieldsAreNamed() throws Exception {
    for (String key :
        List.of(
            "format-version",
            "version",
            "snapshot-version",
            "committed-at",
            "writer-id",
            "commit-id",
            "added-shards",
            "added-error-files",
            "shards",
            "error-files",
            "checkpoint",
            "stats",
            "total-rows",
            "total-bytes",
            "total-error-records")) {
      ObjectNode node = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
      node.remove(key);
      assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(node)))
          .as(key)
          .isInstanceOf(InvalidManifestException.class)
          .hasMessageStartingWith("Invalid manifest: missing '" + key + "'");
    }
    ObjectNode node = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
    ((ObjectNode) node.get("added-shards").get(0)).remove("rows");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(node)))
        .hasMessage("Invalid manifest: missing 'rows' in added-shards[0]");
  }

  /** deltaV2 with its shard's record batches' rows, as writers since batch-rows was added do. */
  static Manifest deltaWithBatchRows() {
    return DatasetState.fromSnapshot(snapshotV1())
        .nextVersion()
        .writerId("runner-a")
        .commitId("commit-a-2")
        .committedAt(T0.plusSeconds(60))
        .addShard(legacyShard("a-2", 13, 21).toBuilder().batchRows(List.of(1, 1)).build())
        .updateCheckpoint(
            "shardId-000000000001",
            ShardCheckpoint.at("49590338271490256608559692538361571095921575989136589999")
                .withParents(List.of("shardId-000000000000")))
        .build();
  }

  @Test
  void batchRowsAreOptionalAndMustAddUpToTheShardsRows() throws Exception {
    Manifest withRows = deltaWithBatchRows();
    String json = ManifestParser.toJson(withRows);
    assertThat(ManifestParser.fromJson(json)).isEqualTo(withRows);
    assertThat(ManifestParser.fromJson(json).addedShards().get(0).batchRows())
        .containsExactly(1, 1);
    assertThat(MAPPER.readTree(json).get("added-shards").get(0).get("batch-rows").toString())
        .isEqualTo("[1,1]");
    // Older manifests have none: an empty list, and none is written back.
    var snapshot = MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
    assertThat(snapshot.get("added-shards").get(0).has("batch-rows")).isFalse();
    assertThat(ManifestParser.fromJson(snapshot.toString()).addedShards().get(0).batchRows())
        .isEmpty();

    ObjectNode sum = (ObjectNode) MAPPER.readTree(json);
    ((ObjectNode) sum.get("added-shards").get(0)).putArray("batch-rows").add(1).add(5);
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(sum)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("added-shards[0]")
        .hasMessageContaining("its record batches hold 6 rows ([1, 5]) but the shard has 2");

    ObjectNode type = (ObjectNode) MAPPER.readTree(json);
    ((ObjectNode) type.get("added-shards").get(0)).putArray("batch-rows").add(1).add("one");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(type)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("added-shards[0].batch-rows[1]");

    ObjectNode notArray = (ObjectNode) MAPPER.readTree(json);
    ((ObjectNode) notArray.get("added-shards").get(0)).put("batch-rows", 2);
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(notArray)))
        .hasMessageContaining("'added-shards[0].batch-rows' must be an array");
  }

  @Test
  void malformedValuesAreInvalidManifests() throws Exception {
    assertThatThrownBy(() -> ManifestParser.fromJson("{\"format-version\":1"))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageStartingWith("Invalid manifest: not valid JSON");
    assertThatThrownBy(() -> ManifestParser.fromJson("[]"))
        .hasMessage("Invalid manifest: not a JSON object");
    assertThatThrownBy(() -> ManifestParser.fromJson("{\"format-version\":1,\"format-version\":1}"))
        .hasMessageContaining("Duplicate field");

    ObjectNode node = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(deltaV2()));
    node.put("snapshot", true);
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(node)))
        .hasMessageContaining("'snapshot' is true but 'snapshot-version' is 1");

    ObjectNode parent = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(deltaV2()));
    parent.put("parent-version", 5);
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(parent)))
        .hasMessage("Invalid manifest v2: 'parent-version' is 5, expected 1");

    ObjectNode time = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(deltaV2()));
    time.put("committed-at", "yesterday");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(time)))
        .hasMessage("Invalid manifest: 'committed-at' is not an ISO-8601 instant: yesterday");

    ObjectNode checksum = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(deltaV2()));
    ((ObjectNode) checksum.get("added-shards").get(0)).put("checksum", "1a2b");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(checksum)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("added-shards[0]")
        .hasMessageContaining("Invalid checksum");

    ObjectNode stats = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(deltaV2()));
    ((ObjectNode) stats.get("stats").get("word_count")).remove("sum-of-squares");
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(stats)))
        .hasMessageContaining("stats.word_count")
        .hasMessageContaining("missing 'sum-of-squares'");

    ObjectNode delta = (ObjectNode) MAPPER.readTree(ManifestParser.toJson(snapshotV1()));
    delta.put("version", 1).put("snapshot-version", 1).remove("snapshot");
    delta.put("version", 3);
    delta.put("parent-version", 2);
    assertThatThrownBy(() -> ManifestParser.fromJson(MAPPER.writeValueAsString(delta)))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("snapshot version 1")
        .hasMessageContaining("must not carry the full shard or error-file list");
  }
}
