package io.minietl.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards written by etl-core are read by an Arrow implementation that is not ours: Polars for Node
 * ({@code nodejs-polars}, pinned in the root package.json, installed by the build). What Polars
 * reads, pyarrow and Hugging Face datasets read too: it is the evidence that Python trainers need
 * no conversion. Runs {@code etl-core/src/test/node/read-shards-polars.js} with {@code node}, a
 * required build tool.
 */
class PolarsInteropIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void polarsReadsZstdLz4AndUncompressedShardsWithTheirRowsTypesAndWordCounts(@TempDir Path dir)
      throws Exception {
    Path root = reactorRoot();
    Path script = root.resolve("etl-core/src/test/node/read-shards-polars.js");
    assertThat(script).exists();
    assertThat(root.resolve("node_modules/nodejs-polars"))
        .as("nodejs-polars is installed by build/npm-install.sh (Maven validate phase)")
        .exists();

    List<ShardRow> rows = SampleRows.rows(1_000);
    long wordCountSum = 0;
    for (ShardRow row : rows) {
      wordCountSum += row.featureValues()[0];
    }
    long nullTitles = rows.stream().filter(r -> r.article().title() == null).count();
    long nullDates = rows.stream().filter(r -> r.article().publishDate() == null).count();
    Map<ShardCompression, Path> files = new LinkedHashMap<>();
    for (ShardCompression compression : ShardCompression.values()) {
      Path file = dir.resolve("part-" + compression.name().toLowerCase() + ".arrow");
      Files.write(file, SampleRows.write(rows, compression, b -> b.rowsPerBatch(128)));
      files.put(compression, file);
    }

    JsonNode results = runNode(root, script, new ArrayList<>(files.values()));

    assertThat(results).hasSize(files.size());
    for (JsonNode result : results) {
      String file = result.get("file").asText();
      assertThat(result.get("rows").asLong()).as(file).isEqualTo(rows.size());
      assertThat(result.get("word_count_sum").asLong()).as(file).isEqualTo(wordCountSum);
      JsonNode dtypes = result.get("dtypes");
      assertThat(fieldNames(dtypes))
          .as(file)
          .containsExactlyElementsOf(DatasetSchema.of(SampleRows.FEATURES).columnNames());
      for (String utf8 :
          List.of("article_id", "title", "content", "extra_fields", "kinesis_sequence_number")) {
        assertThat(dtypes.get(utf8).asText()).as(file + " " + utf8).isEqualTo("DataType(String)");
      }
      assertThat(dtypes.get("word_count").asText()).as(file).isEqualTo("DataType(Int32)");
      for (String ts : List.of("publish_date", "approximate_arrival_time", "ingestion_time")) {
        assertThat(dtypes.get(ts).asText())
            .as(file + " " + ts)
            .isEqualTo("DataType(Datetime(us,UTC))");
      }
      assertThat(result.get("article_ids").get(0).asText()).isEqualTo("a-0");
      assertThat(result.get("null_titles").asLong()).as(file).isEqualTo(nullTitles);
      assertThat(result.get("null_publish_dates").asLong()).as(file).isEqualTo(nullDates);
    }
  }

  private static JsonNode runNode(Path root, Path script, List<Path> files)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script.toString(), root.toString()));
    files.forEach(f -> command.add(f.toString()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(false).start();
    } catch (IOException e) {
      throw new AssertionError(
          "Cannot run 'node': Node.js 20+ is a required build tool (it runs the Polars interop"
              + " test); install it and put it on PATH",
          e);
    }
    process.getOutputStream().close();
    byte[] stderr;
    byte[] stdout;
    // The output is one short line; read both streams after exit is safe at this size.
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("node did not finish within 120 s: " + command);
    }
    stdout = process.getInputStream().readAllBytes();
    stderr = process.getErrorStream().readAllBytes();
    String out = new String(stdout, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      fail(
          "node exited with "
              + process.exitValue()
              + ": "
              + command
              + "\n"
              + new String(stderr, StandardCharsets.UTF_8)
              + out);
    }
    System.out.println("Polars read: " + out);
    return JSON.readTree(out);
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Path reactorRoot() {
    String root = System.getProperty("minietl.root");
    if (root == null || root.isBlank()) {
      fail(
          "System property minietl.root (the reactor root) is not set: run through Maven failsafe");
    }
    return Path.of(root);
  }
}
