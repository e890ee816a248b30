package io.minietl.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.feature.Feature;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.feature.FeatureType;
import io.minietl.core.record.Article;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class DatasetSchemaTest {

  @Test
  void columnsAreInputThenFeaturesThenProvenanceWithTheirTypes() {
    FeatureRegistry registry =
        FeatureRegistry.builder()
            .addDefaults()
            .add(constant("long_feature", FeatureType.INT64))
            .build();
    DatasetSchema schema = DatasetSchema.of(registry);
    assertThat(schema.columnNames())
        .containsExactly(
            "article_id",
            "title",
            "author",
            "publish_date",
            "content",
            "summary",
            "extra_fields",
            "word_count",
            "char_count",
            "sentence_count",
            "long_feature",
            "kinesis_shard_id",
            "kinesis_sequence_number",
            "kinesis_partition_key",
            "approximate_arrival_time",
            "ingestion_time",
            "kinesis_sub_sequence_number");
    Schema arrow = schema.arrowSchema();
    assertThat(arrow.findField("article_id").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
    assertThat(arrow.findField("article_id").isNullable()).isFalse();
    assertThat(arrow.findField("content").isNullable()).isFalse();
    assertThat(arrow.findField("title").isNullable()).isTrue();
    assertThat(arrow.findField("publish_date").getType())
        .isEqualTo(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
    assertThat(arrow.findField("publish_date").isNullable()).isTrue();
    assertThat(arrow.findField("ingestion_time").isNullable()).isFalse();
    assertThat(arrow.findField("kinesis_sub_sequence_number").getType())
        .isEqualTo(new ArrowType.Int(64, true));
    assertThat(arrow.findField("kinesis_sub_sequence_number").isNullable()).isTrue();
    assertThat(arrow.findField("word_count").getType()).isEqualTo(new ArrowType.Int(32, true));
    assertThat(arrow.findField("long_feature").getType()).isEqualTo(new ArrowType.Int(64, true));
    assertThat(arrow.getCustomMetadata())
        .containsEntry("minietl.schema.version", "2")
        .containsEntry("minietl.features", "word_count,char_count,sentence_count,long_feature");
    assertThat(schema.featureNames())
        .containsExactly("word_count", "char_count", "sentence_count", "long_feature");
    assertThat(DatasetSchema.fromArrow(arrow)).isEqualTo(schema);
    assertThat(DatasetSchema.fromArrow(arrow).featureNames()).isEqualTo(schema.featureNames());
  }

  @Test
  void schemaWithoutFeaturesRoundTrips() {
    DatasetSchema schema = DatasetSchema.of(FeatureRegistry.builder().build());
    assertThat(schema.featureNames()).isEmpty();
    assertThat(DatasetSchema.fromArrow(schema.arrowSchema()).featureNames()).isEmpty();
  }

  @Test
  void featureNamedLikeAnInputColumnIsRejected() {
    FeatureRegistry registry =
        FeatureRegistry.builder().add(constant("content", FeatureType.INT32)).build();
    assertThatThrownBy(() -> DatasetSchema.of(registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid feature name 'content'");
    assertThat(DatasetSchema.isReservedColumnName("kinesis_shard_id")).isTrue();
    assertThat(DatasetSchema.isReservedColumnName("word_count")).isFalse();
  }

  @Test
  void readerRejectsAFutureSchemaVersionNamingIt() {
    byte[] bytes = fileWithMetadata(Map.of("minietl.schema.version", "3", "minietl.features", ""));
    assertThatThrownBy(() -> ShardReader.open(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema version 3")
        .hasMessageContaining("upgrade");
  }

  @Test
  void readerRejectsAFileWithoutSchemaVersion() {
    byte[] bytes = fileWithMetadata(Map.of());
    assertThatThrownBy(() -> ShardReader.open(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minietl.schema.version");
  }

  @Test
  void readerRejectsBytesThatAreNotAnArrowFile() {
    assertThatThrownBy(() -> ShardReader.open("not an arrow file at all".getBytes()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid shard");
  }

  @Test
  void version2WrittenByThisCodeIsReadable() {
    // Version 1 (no sub-sequence column) is read too: ShardRoundTripTest.
    byte[] bytes = SampleRows.write(List.of(), ShardCompression.NONE, b -> {});
    try (ShardReader reader = ShardReader.open(bytes)) {
      assertThat(reader.schema().version()).isEqualTo(2);
    }
  }

  private static byte[] fileWithMetadata(Map<String, String> metadata) {
    Schema base = DatasetSchema.of(FeatureRegistry.builder().build()).arrowSchema();
    Schema schema = new Schema(base.getFields(), new HashMap<>(metadata));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (RootAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        ArrowFileWriter writer = new ArrowFileWriter(root, null, Channels.newChannel(out))) {
      writer.start();
      writer.end();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static Feature constant(String name, FeatureType type) {
    return new Feature() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public FeatureType type() {
        return type;
      }

      @Override
      public long compute(Article article) {
        return 7;
      }
    };
  }
}
