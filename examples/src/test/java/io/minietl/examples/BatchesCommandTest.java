package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batches}: a value the reader's builders reject (they throw IllegalArgumentException) is a
 * usage error, exit 2 with the builder's one line, found before the dataset is opened.
 */
class BatchesCommandTest {
  @TempDir Path temp;

  /** The exit code and the error lines of an in-process run on a directory with no dataset. */
  private Map.Entry<Integer, List<String>> batches(String... args) {
    List<String> all = new ArrayList<>(List.of("batches", "--dataset", temp.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(all, Map.of(), System.out, e);
    }
    return Map.entry(code, err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void aRankOutsideTheWorldIsAUsageErrorWithTheReadersLine() {
    assertThat(batches("--batch-size", "2", "--rank", "2", "--world-size", "2"))
        .isEqualTo(
            Map.entry(
                2, List.of("examples: Invalid rank 2 of world size 2: need 0 <= rank < size")));
  }

  @Test
  void aDatasetVersionBelowOneIsAUsageErrorWithTheReadersLine() {
    assertThat(batches("--batch-size", "2", "--dataset-version", "0"))
        .isEqualTo(Map.entry(2, List.of("examples: Invalid version 0: versions start at 1")));
  }
}
