package io.minietl.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.feature.Feature;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.feature.FeatureType;
import io.minietl.core.record.Article;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ShardWriterMisuseTest {
  private final ShardRow row = SampleRows.rows(1).get(0);

  @Test
  void aSummaryWhoseBatchesDoNotAddUpIsRejected() {
    assertThatThrownBy(
            () ->
                ShardSummary.of(
                    5, 100, java.util.List.of(2, 2), "crc32c:0badf00d", java.util.Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows=5")
        .hasMessageContaining("batch rows=[2, 2]");
    assertThat(
            ShardSummary.of(4, 100, java.util.List.of(2, 2), "crc32c:0badf00d", java.util.Map.of())
                .batches())
        .isEqualTo(2);
  }

  @Test
  void appendAfterFinishOrCloseFails() {
    ShardWriter writer = ShardWriter.builder().output(new ByteArrayOutputStream()).build();
    writer.finish();
    assertThatThrownBy(() -> writer.append(row.article(), row.provenance(), row.featureValues()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot append");
    assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
    writer.close();
    writer.close();
  }

  @Test
  void wrongNumberOfFeatureValuesFailsAndAppendsNothing() {
    try (ShardWriter writer = ShardWriter.builder().output(new ByteArrayOutputStream()).build()) {
      assertThatThrownBy(() -> writer.append(row.article(), row.provenance(), new long[] {1, 2}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected 3")
          .hasMessageContaining("got 2");
      assertThat(writer.rows()).isZero();
      assertThat(writer.finish().rows()).isZero();
    }
  }

  @Test
  void int32FeatureValueOutOfRangeFails() {
    try (ShardWriter writer = ShardWriter.builder().output(new ByteArrayOutputStream()).build()) {
      assertThatThrownBy(
              () -> writer.append(row.article(), row.provenance(), new long[] {1L << 40, 1, 1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("word_count");
    }
  }

  @Test
  void builderRejectsBadAndRepeatedSettings() {
    assertThatThrownBy(() -> ShardWriter.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("output");
    assertThatThrownBy(
            () ->
                ShardWriter.builder()
                    .output(new ByteArrayOutputStream())
                    .output(new ByteArrayOutputStream()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot set output twice");
    assertThatThrownBy(() -> ShardWriter.builder().rowsPerBatch(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardWriter.builder().maxBatchBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardWriter.builder().compressionLevel(23))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ShardWriter.builder()
                    .output(new ByteArrayOutputStream())
                    .compression(ShardCompression.LZ4_FRAME)
                    .compressionLevel(5)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only ZSTD");
  }

  @Test
  void zstdLevelIsApplied() {
    byte[] fast =
        SampleRows.write(SampleRows.rows(200), ShardCompression.ZSTD, b -> b.compressionLevel(1));
    byte[] small =
        SampleRows.write(SampleRows.rows(200), ShardCompression.ZSTD, b -> b.compressionLevel(19));
    // Strictly smaller: equal sizes would mean the level was ignored.
    assertThat(small.length).isLessThan(fast.length);
    try (ShardReader reader = ShardReader.open(small)) {
      assertThat(reader.readRows()).containsExactlyElementsOf(SampleRows.rows(200));
    }
  }

  @Test
  void featureNamedLikeAProvenanceColumnIsRejected() {
    FeatureRegistry registry =
        FeatureRegistry.builder()
            .add(
                new Feature() {
                  @Override
                  public String name() {
                    return "ingestion_time";
                  }

                  @Override
                  public FeatureType type() {
                    return FeatureType.INT64;
                  }

                  @Override
                  public long compute(Article article) {
                    return 0;
                  }
                })
            .build();
    assertThatThrownBy(
            () ->
                ShardWriter.builder()
                    .output(new ByteArrayOutputStream())
                    .features(registry)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ingestion_time'");
  }
}
