package io.minietl.ingest.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.cli.ExitCode;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.format.ShardSummary;
import io.minietl.core.format.ShardWriter;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.storage.LocalObjectStore;
import io.minietl.ingest.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet export, read back by pyarrow (the venv of build/python-venv.sh): same rows, same
 * columns and types as the Arrow shards, Hive day partitions; a second run exports only what is
 * new, a third nothing; a lost file is exported again.
 */
class ParquetExportIT {
  private static final FeatureRegistry FEATURES = FeatureRegistry.defaults();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void exportsCommittedShardsAsParquetThatPyarrowReadsBackIdentically() throws Exception {
    Path datasetDir = temp.resolve("dataset");
    LocalObjectStore dataset = LocalObjectStore.create(datasetDir);
    // Version 1: two shards on two days, ZSTD and LZ4; version 2: one more, uncompressed.
    commit(
        dataset,
        List.of(
            shard("2026-11-28", "a", ShardCompression.ZSTD, 0, 30),
            shard("2026-11-29", "b", ShardCompression.LZ4_FRAME, 30, 20)));
    commit(dataset, List.of(shard("2026-11-29", "c", ShardCompression.NONE, 50, 25)));
    Path out = temp.resolve("export");

    Cli.Result first =
        Cli.run(
            List.of(
                "export",
                "--dataset",
                datasetDir.toString(),
                "--output",
                out.toString(),
                "--manifest-version",
                "1"),
            Map.of());

    assertThat(first.code()).as("stderr: %s", first.err()).isZero();
    assertThat(first.out())
        .contains("export: 2 shard(s) of version 1 written (50 rows), 0 already there");
    JsonNode v1 = check(out, datasetDir);
    assertThat(v1.get("rows").asLong()).isEqualTo(50);
    assertThat(ids(v1)).isEqualTo(ids(0, 50));
    assertThat(v1.get("word_count_sum").asLong()).isEqualTo(wordCountSum(0, 50));
    assertThat(v1.get("rows_by_dt").toString()).isEqualTo("{\"2026-11-28\":30,\"2026-11-29\":20}");
    assertThat(v1.get("schemas_equal").asBoolean()).isTrue();
    assertThat(v1.get("files").toString())
        .isEqualTo("[\"dt=2026-11-28/part-a.parquet\",\"dt=2026-11-29/part-b.parquet\"]");

    // The latest version: only the new shard is written.
    Cli.Result second =
        Cli.run(
            List.of("export", "--dataset", "file://" + datasetDir, "--output", out.toString()),
            Map.of());
    assertThat(second.code()).as("stderr: %s", second.err()).isZero();
    assertThat(second.out())
        .contains("export: 1 shard(s) of version 2 written (25 rows), 2 already there");
    JsonNode v2 = check(out, datasetDir);
    assertThat(v2.get("rows").asLong()).isEqualTo(75);
    assertThat(ids(v2)).isEqualTo(ids(0, 75));
    assertThat(v2.get("word_count_sum").asLong()).isEqualTo(wordCountSum(0, 75));
    assertThat(v2.get("schemas_equal").asBoolean()).isTrue();

    // Again: nothing to do. A lost file: only it is written again.
    assertThat(
            Cli.run(
                    List.of(
                        "export", "--dataset", datasetDir.toString(), "--output", out.toString()),
                    Map.of())
                .out())
        .contains("export: 0 shard(s) of version 2 written (0 rows), 3 already there");
    Files.delete(out.resolve("dt=2026-11-29/part-b.parquet"));
    assertThat(
            Cli.run(
                    List.of(
                        "export", "--dataset", datasetDir.toString(), "--output", out.toString()),
                    Map.of())
                .out())
        .contains("export: 1 shard(s) of version 2 written (20 rows), 2 already there");
    assertThat(check(out, datasetDir).get("rows").asLong()).isEqualTo(75);

    JsonNode record = JSON.readTree(out.resolve(ParquetExport.RECORD_KEY).toFile());
    assertThat(record.get("version").asLong()).isEqualTo(2);
    assertThat(record.get("files").get("dt=2026-11-29/part-c.parquet").get("source").asText())
        .isEqualTo("data/dt=2026-11-29/part-c.arrow");
    assertThat(record.get("files").get("dt=2026-11-29/part-c.parquet").get("rows").asLong())
        .isEqualTo(25);
  }

  @Test
  void sinceExportsOnlyTheShardsAddedAfterThatVersion() throws Exception {
    Path datasetDir = temp.resolve("dataset");
    LocalObjectStore dataset = LocalObjectStore.create(datasetDir);
    commit(dataset, List.of(shard("2026-11-28", "a", ShardCompression.ZSTD, 0, 10)));
    commit(dataset, List.of(shard("2026-11-30", "b", ShardCompression.ZSTD, 10, 5)));
    Path out = temp.resolve("export");

    Cli.Result r =
        Cli.run(
            List.of(
                "export",
                "--dataset",
                datasetDir.toString(),
                "--output",
                out.toString(),
                "--since",
                "1"),
            Map.of());

    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    JsonNode summary = check(out, datasetDir);
    assertThat(summary.get("rows").asLong()).isEqualTo(5);
    assertThat(summary.get("rows_by_dt").toString()).isEqualTo("{\"2026-11-30\":5}");
  }

  @Test
  void aVersionThatDoesNotExistIsAUsageError() throws Exception {
    Path datasetDir = temp.resolve("dataset");
    commit(
        LocalObjectStore.create(datasetDir),
        List.of(shard("2026-11-28", "a", ShardCompression.ZSTD, 0, 3)));

    Cli.Result r =
        Cli.run(
            List.of(
                "export",
                "--dataset",
                datasetDir.toString(),
                "--output",
                temp.resolve("o").toString(),
                "--manifest-version",
                "7"),
            Map.of());
    assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.errLines().get(0)).startsWith("etl-ingest: Invalid version 7");
    Cli.Result empty =
        Cli.run(
            List.of(
                "export",
                "--dataset",
                temp.resolve("nothing").toString(),
                "--output",
                temp.resolve("o").toString()),
            Map.of());
    assertThat(empty.code()).isEqualTo(ExitCode.USAGE.code());
    assertThat(empty.errLines().get(0)).contains("no manifest version was committed");
  }

  /** pyarrow's reading of the export (parquet_check.py). */
  private static JsonNode check(Path export, Path dataset) throws Exception {
    Path root = Path.of(System.getProperty("minietl.root", "..")).toAbsolutePath();
    Path python = root.resolve("training-reader-py/.venv/bin/python");
    Path script = Path.of(ParquetExportIT.class.getResource("/parquet_check.py").toURI());
    Process p =
        new ProcessBuilder(
                python.toString(), script.toString(), export.toString(), dataset.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] stdout = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(stdout, StandardCharsets.UTF_8)).isZero();
    return JSON.readTree(stdout);
  }

  private static String ids(JsonNode summary) {
    return summary.get("article_ids").toString();
  }

  private static String ids(int from, int to) {
    List<String> ids = new ArrayList<>(IntStream.range(from, to).mapToObj(i -> "a-" + i).toList());
    ids.sort(null);
    try {
      return JSON.writeValueAsString(ids);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long wordCountSum(int from, int to) {
    return IntStream.range(from, to).mapToLong(ParquetExportIT::words).sum();
  }

  private static int words(int id) {
    return 1 + id % 13;
  }

  private record Shard(String path, byte[] bytes, ShardSummary summary, String compression) {}

  private static Shard shard(
      String day, String name, ShardCompression compression, int firstId, int rows) {
    String path = "data/dt=" + day + "/part-" + name + ".arrow";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardSummary summary;
    Instant t = Instant.parse(day + "T10:00:00Z");
    try (ShardWriter w =
        ShardWriter.builder()
            .output(out)
            .features(FEATURES)
            .compression(compression)
            .rowsPerBatch(7)
            .build()) {
      for (int i = firstId; i < firstId + rows; i++) {
        Article a =
            Article.builder()
                .articleId("a-" + i)
                .title(i % 3 == 0 ? null : "Title " + i)
                .content("word ".repeat(words(i)).trim())
                .build();
        w.append(
            a,
            Provenance.of("shardId-000000000000", Long.toString(1000 + i), "k" + i, t, t),
            FEATURES.computeAll(a));
      }
      summary = w.finish();
    }
    return new Shard(
        path, out.toByteArray(), summary, compression.name().toLowerCase(java.util.Locale.ROOT));
  }

  private static void commit(LocalObjectStore store, List<Shard> shards) {
    ManifestLog log = new ManifestLog(store);
    DatasetState state = log.load();
    DatasetState.NextVersion next =
        state.nextVersion().writerId("test").committedAt(Instant.parse("2026-11-30T00:00:00Z"));
    for (Shard s : shards) {
      store.put(s.path(), s.bytes());
      next.addShard(
          ShardEntry.builder()
              .path(s.path())
              .summary(s.summary())
              .compression(s.compression())
              .build());
    }
    assertThat(log.commit(next.build())).isEqualTo(ManifestLog.Outcome.COMMITTED);
  }
}
