package io.minietl.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.stats.FeatureStats;
import io.minietl.core.stats.FeatureStatsAccumulator;
import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ShardRoundTripTest {

  @ParameterizedTest
  @EnumSource(ShardCompression.class)
  void roundTripOfManyBatchesGivesBackEveryValue(ShardCompression compression) {
    List<ShardRow> rows = SampleRows.rows(103);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardSummary summary;
    try (ShardWriter writer =
        ShardWriter.builder()
            .output(out)
            .features(SampleRows.FEATURES)
            .compression(compression)
            .rowsPerBatch(10)
            .build()) {
      for (ShardRow row : rows) {
        writer.append(row.article(), row.provenance(), row.featureValues());
      }
      assertThat(writer.rows()).isEqualTo(103);
      summary = writer.finish();
    }
    byte[] bytes = out.toByteArray();

    assertThat(summary.rows()).isEqualTo(103);
    assertThat(summary.batches()).isEqualTo(11);
    assertThat(summary.batchRows()).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3);
    assertThat(summary.bytes()).isEqualTo(bytes.length);
    assertThat(summary.checksum()).isEqualTo(ShardSummary.checksumOf(bytes)).startsWith("crc32c:");
    try (ShardReader reader = ShardReader.open(bytes)) {
      assertThat(reader.batchCount()).isEqualTo(11);
      for (int b = 0; b < 11; b++) {
        assertThat(reader.batchRowCount(b)).isEqualTo((long) summary.batchRows().get(b));
      }
      assertThat(reader.readRows()).containsExactlyElementsOf(rows);
    }
  }

  @ParameterizedTest
  @EnumSource(ShardCompression.class)
  void shardOfZeroRowsIsAValidFileWithNoBatches(ShardCompression compression) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardSummary summary;
    try (ShardWriter writer = ShardWriter.builder().output(out).compression(compression).build()) {
      summary = writer.finish();
    }
    assertThat(summary.rows()).isZero();
    assertThat(summary.batches()).isZero();
    assertThat(summary.batchRows()).isEmpty();
    assertThat(summary.featureStats().values()).allMatch(FeatureStats::isEmpty);
    assertThat(summary.featureStats())
        .containsOnlyKeys("word_count", "char_count", "sentence_count");
    try (ShardReader reader = ShardReader.open(out.toByteArray())) {
      assertThat(reader.batchCount()).isZero();
      assertThat(reader.readRows()).isEmpty();
      assertThat(reader.schema()).isEqualTo(DatasetSchema.of(SampleRows.FEATURES));
    }
  }

  @Test
  void summaryStatisticsEqualStatisticsRecomputedFromTheRowsReadBack() {
    byte[] bytes = SampleRows.write(SampleRows.rows(250), ShardCompression.ZSTD, b -> {});
    Map<String, FeatureStatsAccumulator> recomputed = new LinkedHashMap<>();
    List<String> names = SampleRows.FEATURES.names();
    names.forEach(n -> recomputed.put(n, new FeatureStatsAccumulator()));
    try (ShardReader reader = ShardReader.open(bytes)) {
      for (ShardRow row : reader.readRows()) {
        long[] values = row.featureValues();
        for (int f = 0; f < values.length; f++) {
          recomputed.get(names.get(f)).add(values[f]);
        }
      }
    }
    ShardSummary summary = summaryOf(SampleRows.rows(250));
    assertThat(summary.featureStats().keySet()).containsExactlyElementsOf(names);
    for (String name : names) {
      assertThat(summary.featureStats().get(name)).isEqualTo(recomputed.get(name).snapshot());
    }
    assertThat(summary.featureStats().get("word_count").count()).isEqualTo(250);
  }

  @Test
  void batchesAreCutByBytesWhenRowsAreLarge() {
    List<ShardRow> rows = SampleRows.rows(40);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardSummary summary;
    try (ShardWriter writer =
        ShardWriter.builder()
            .output(out)
            .compression(ShardCompression.NONE)
            .maxBatchBytes(2_000)
            .build()) {
      long previousEstimate = 0;
      for (ShardRow row : rows) {
        writer.append(row.article(), row.provenance(), row.featureValues());
        assertThat(writer.estimatedBytes()).isGreaterThan(previousEstimate);
        assertThat(writer.estimatedBytes()).isGreaterThanOrEqualTo(writer.bytesWritten());
        previousEstimate = writer.estimatedBytes();
      }
      summary = writer.finish();
    }
    // The rows are fixed (SampleRows), so is the cut: 7 batches of 2,000 estimated bytes at most,
    // and the file's footer lists exactly the batches the summary counts.
    assertThat(summary.batches()).isEqualTo(7);
    try (ShardReader reader = ShardReader.open(out.toByteArray())) {
      assertThat(reader.batchCount()).isEqualTo(summary.batches());
      assertThat(reader.readRows()).containsExactlyElementsOf(rows);
    }
  }

  @Test
  void aVersion1ShardHasNoSubSequenceColumnAndReadsAsNull() throws Exception {
    List<ShardRow> rows = SampleRows.rows(9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ShardWriter writer =
        ShardWriter.builder()
            .output(out)
            .features(SampleRows.FEATURES)
            .compression(ShardCompression.NONE)
            .build()) {
      for (ShardRow row : rows) {
        writer.append(row.article(), row.provenance(), row.featureValues());
      }
      writer.finish();
    }
    // A version 1 shard is the same file without the column and with version 1 in its metadata.
    ByteArrayOutputStream v1 = new ByteArrayOutputStream();
    try (RootAllocator allocator = new RootAllocator();
        ArrowFileReader in =
            new ArrowFileReader(
                new ByteArrayReadableSeekableByteChannel(out.toByteArray()), allocator)) {
      VectorSchemaRoot source = in.getVectorSchemaRoot();
      List<org.apache.arrow.vector.types.pojo.Field> fields =
          source.getSchema().getFields().stream()
              .filter(f -> !f.getName().equals(DatasetSchema.KINESIS_SUB_SEQUENCE_NUMBER))
              .toList();
      Map<String, String> metadata = new LinkedHashMap<>(source.getSchema().getCustomMetadata());
      metadata.put(DatasetSchema.VERSION_KEY, "1");
      try (VectorSchemaRoot target =
              VectorSchemaRoot.create(
                  new org.apache.arrow.vector.types.pojo.Schema(fields, metadata), allocator);
          org.apache.arrow.vector.ipc.ArrowFileWriter writer =
              new org.apache.arrow.vector.ipc.ArrowFileWriter(
                  target, null, Channels.newChannel(v1))) {
        writer.start();
        while (in.loadNextBatch()) {
          for (var field : fields) {
            source
                .getVector(field.getName())
                .makeTransferPair(target.getVector(field.getName()))
                .transfer();
          }
          target.setRowCount(source.getRowCount());
          writer.writeBatch();
        }
        writer.end();
      }
    }

    try (ShardReader reader = ShardReader.open(v1.toByteArray())) {
      assertThat(reader.schema().version()).isEqualTo(1);
      List<ShardRow> read = reader.readRows();
      assertThat(read).hasSize(9);
      assertThat(read).allSatisfy(r -> assertThat(r.provenance().subSequenceNumber()).isNull());
      assertThat(read.get(1).provenance().sequenceNumber())
          .isEqualTo(rows.get(1).provenance().sequenceNumber());
    }
    // The version 2 rows themselves kept their sub-sequence numbers (null where not aggregated).
    try (ShardReader reader = ShardReader.open(out.toByteArray())) {
      assertThat(reader.readRows())
          .extracting(r -> r.provenance().subSequenceNumber())
          .containsExactly(null, Long.MAX_VALUE, 2L, 3L, null, 0L, 1L, 2L, null);
    }
  }

  @Test
  void timestampsAreTruncatedToMicroseconds() {
    ShardRow row = SampleRows.rows(1).get(0);
    ShardRow precise =
        new ShardRow(
            row.article().toBuilder()
                .publishDate(Instant.parse("2024-01-01T00:00:00.123456789Z"))
                .build(),
            row.provenance(),
            row.featureValues());
    byte[] bytes = SampleRows.write(List.of(precise), ShardCompression.NONE, b -> {});
    try (ShardReader reader = ShardReader.open(bytes)) {
      assertThat(reader.readRows().get(0).article().publishDate())
          .isEqualTo(Instant.parse("2024-01-01T00:00:00.123456Z"));
    }
  }

  @ParameterizedTest
  @EnumSource(ShardCompression.class)
  void projectionLoadsOnlyTheSelectedColumnsInTheGivenOrder(ShardCompression compression) {
    List<ShardRow> rows = SampleRows.rows(30);
    byte[] bytes = SampleRows.write(rows, compression, b -> b.rowsPerBatch(8));
    try (ShardReader reader = ShardReader.open(bytes)) {
      reader.select("word_count", "article_id");
      assertThat(reader.selectedColumns()).containsExactly("word_count", "article_id");
      int row = 0;
      for (int b = 0; b < reader.batchCount(); b++) {
        VectorSchemaRoot batch = reader.loadBatch(b);
        assertThat(batch.getSchema().getFields())
            .extracting(f -> f.getName())
            .containsExactly("word_count", "article_id");
        IntVector wordCount = (IntVector) batch.getVector(0);
        VarCharVector articleId = (VarCharVector) batch.getVector(1);
        for (int r = 0; r < batch.getRowCount(); r++, row++) {
          assertThat(wordCount.get(r)).isEqualTo(rows.get(row).featureValues()[0]);
          assertThat(articleId.getObject(r).toString())
              .isEqualTo(rows.get(row).article().articleId());
        }
      }
      assertThat(row).isEqualTo(30);
      assertThat(reader.batchRowCount(0)).isEqualTo(8);
      assertThat(reader.batchRowCount(3)).isEqualTo(6);
      // Batches can be loaded in any order (random access through the footer).
      assertThat(reader.loadBatch(3).getRowCount()).isEqualTo(6);
      assertThat(reader.loadBatch(0).getRowCount()).isEqualTo(8);
    }
  }

  @Test
  void selectingAnUnknownOrRepeatedColumnFails() {
    byte[] bytes = SampleRows.write(SampleRows.rows(3), ShardCompression.ZSTD, b -> {});
    try (ShardReader reader = ShardReader.open(bytes)) {
      assertThatThrownBy(() -> reader.select("content", "no_such_column"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Invalid column 'no_such_column'");
      assertThatThrownBy(() -> reader.select("content", "content"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("twice");
      assertThatThrownBy(() -> reader.select(List.of()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> reader.loadBatch(1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(ShardCompression.class)
  void writerAndReaderReleaseAllArrowMemory(ShardCompression compression) {
    List<ShardRow> rows = SampleRows.rows(60);
    try (RootAllocator allocator = new RootAllocator()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ShardWriter writer =
          ShardWriter.builder()
              .output(Channels.newChannel(out))
              .compression(compression)
              .rowsPerBatch(16)
              .allocator(allocator)
              .build()) {
        for (ShardRow row : rows) {
          writer.append(row.article(), row.provenance(), row.featureValues());
        }
        assertThat(allocator.getAllocatedMemory()).isPositive();
        writer.finish();
      }
      assertThat(allocator.getAllocatedMemory()).isZero();

      try (ShardReader reader =
          ShardReader.open(
              new ByteArrayReadableSeekableByteChannel(out.toByteArray()), allocator)) {
        reader.loadBatch(0);
        reader.select("content", "ingestion_time");
        reader.loadBatch(1);
        reader.loadBatch(2);
        assertThat(reader.readRows()).hasSize(60);
        assertThat(allocator.getAllocatedMemory()).isPositive();
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void abandonedWriterReleasesMemoryAndLeavesNoReadableFile() {
    try (RootAllocator allocator = new RootAllocator()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ShardWriter writer =
          ShardWriter.builder().output(out).rowsPerBatch(4).allocator(allocator).build()) {
        for (ShardRow row : SampleRows.rows(10)) {
          writer.append(row.article(), row.provenance(), row.featureValues());
        }
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
      assertThatThrownBy(() -> ShardReader.open(out.toByteArray()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Invalid shard");
    }
  }

  @Test
  void readsFromAFile(@TempDir Path dir) throws Exception {
    List<ShardRow> rows = SampleRows.rows(20);
    Path file = dir.resolve("part-0.arrow");
    Files.write(file, SampleRows.write(rows, ShardCompression.LZ4_FRAME, b -> {}));
    try (ShardReader reader = ShardReader.open(file)) {
      assertThat(reader.readRows()).containsExactlyElementsOf(rows);
    }
  }

  @ParameterizedTest
  @EnumSource(ShardCompression.class)
  void shardsAreReadByArrowJavasStandardFileReaderWithItsOwnCodecs(ShardCompression compression)
      throws Exception {
    List<ShardRow> rows = SampleRows.rows(50);
    byte[] bytes = SampleRows.write(rows, compression, b -> b.rowsPerBatch(20));
    long expectedWords = rows.stream().mapToLong(r -> r.featureValues()[0]).sum();
    long rowCount = 0;
    long words = 0;
    try (RootAllocator allocator = new RootAllocator();
        ArrowFileReader reader =
            new ArrowFileReader(
                new ByteArrayReadableSeekableByteChannel(bytes),
                allocator,
                CommonsCompressionFactory.INSTANCE)) {
      assertThat(reader.getRecordBlocks()).hasSize(3);
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        IntVector wordCount = (IntVector) batch.getVector("word_count");
        for (int r = 0; r < batch.getRowCount(); r++) {
          words += wordCount.get(r);
        }
        rowCount += batch.getRowCount();
      }
    }
    assertThat(rowCount).isEqualTo(50);
    assertThat(words).isEqualTo(expectedWords);
  }

  @Test
  void compressedShardsAreSmallerThanUncompressedOnes() {
    List<ShardRow> rows = SampleRows.rows(500);
    int none = SampleRows.write(rows, ShardCompression.NONE, b -> {}).length;
    assertThat(SampleRows.write(rows, ShardCompression.LZ4_FRAME, b -> {}).length).isLessThan(none);
    assertThat(SampleRows.write(rows, ShardCompression.ZSTD, b -> {}).length).isLessThan(none);
  }

  @Test
  void checksumIsCrc32cOfTheFileAsHex() {
    assertThat(
            ShardSummary.checksumOf(
                "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .isEqualTo("crc32c:e3069283");
  }

  private static ShardSummary summaryOf(List<ShardRow> rows) {
    try (ShardWriter writer = ShardWriter.builder().output(new ByteArrayOutputStream()).build()) {
      for (ShardRow row : rows) {
        writer.append(row.article(), row.provenance(), row.featureValues());
      }
      return writer.finish();
    }
  }
}
