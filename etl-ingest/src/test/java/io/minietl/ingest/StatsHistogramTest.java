package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.storage.LocalObjectStore;
import io.minietl.ingest.cli.Cli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stats --histogram}: the runner commits ten rows of known word counts over several versions
 * (so the histogram is merged across commits), and the drawing is the one computed by hand.
 */
class StatsHistogramTest {
  @TempDir Path temp;

  @Test
  void theWordCountHistogramIsExactOverCommitsAndDrawnPerPowerOfTwoBucket() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 2);
    int[] words = {1, 2, 3, 3, 5, 9, 9, 9, 9, 16};
    for (int i = 0; i < words.length; i++) {
      String content = "w ".repeat(words[i]).trim();
      stream.put(
          "k" + i,
          ("{\"article_id\":\"a" + i + "\",\"content\":\"" + content + "\"}")
              .getBytes(StandardCharsets.UTF_8));
    }
    Path dir = temp.resolve("ds");
    IngestRunner runner =
        IngestRunner.create(
            stream,
            LocalObjectStore.create(dir),
            IngestOptions.builder()
                .tempDir(temp)
                .minCallInterval(Duration.ZERO)
                .idlePollInterval(Duration.ofMillis(5))
                .shardDiscoveryInterval(Duration.ofMillis(50))
                .stopWhenIdle(Duration.ofMillis(300))
                .maxShardRows(3)
                .build(),
            line -> {});
    RunSummary summary = CompletableFuture.supplyAsync(runner::run).get(60, TimeUnit.SECONDS);
    assertThat(summary.commits()).isGreaterThanOrEqualTo(4); // 10 rows, 3 a shard

    Cli.Result drawn =
        Cli.run(List.of("stats", "--dataset", dir.toString(), "--histogram"), Map.of());
    assertThat(drawn.code()).as(drawn.err()).isZero();
    // By hand: 1 | 2 3 3 | 5 | 9 9 9 9 | 16; the largest bucket (4) gets 50 characters.
    assertThat(drawn.out().lines())
        .containsExactly(
            "word_count: 10 rows, mean 6.60, min 1, max 16 (buckets of powers of two)",
            "            1 | #############                                      1 (10.0%)",
            "          2-3 | ######################################             3 (30.0%)",
            "          4-7 | #############                                      1 (10.0%)",
            "         8-15 | ################################################## 4 (40.0%)",
            "        16-31 | #############                                      1 (10.0%)");

    Cli.Result unknown =
        Cli.run(List.of("stats", "--dataset", dir.toString(), "--histogram=pages"), Map.of());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.errLines().get(0))
        .startsWith("etl-ingest: Unknown feature 'pages' for --histogram: the dataset has ")
        .contains("word_count");
  }
}
