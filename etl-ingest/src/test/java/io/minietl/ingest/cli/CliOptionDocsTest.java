package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's options table and {@code --help} say what the code does. */
class CliOptionDocsTest {
  @Test
  void readmeListsEveryOptionWithItsEnvironmentVariableAndDefault() throws IOException {
    Path root = Path.of(System.getProperty("minietl.root", "..")).toAbsolutePath();
    String readme = Files.readString(root.resolve("README.md"));

    for (CliOption o : CliOption.values()) {
      String row =
          "| `"
              + o.flag()
              + "` | "
              + (o.env() == null ? "" : "`" + o.env() + "`")
              + " | "
              + (o.defaultValue() == null ? "" : "`" + o.defaultValue() + "`")
              + " |";
      assertThat(readme).as("README row of %s", o.flag()).contains(row);
    }
  }

  @Test
  void helpListsEveryFlag() {
    String usage = Main.usage();
    for (CliOption o : CliOption.values()) {
      assertThat(usage).contains(o.flag());
    }
  }

  @Test
  void defaultsParseIntoValidOptions() {
    CliArguments a = CliArguments.parse(List.of("run"), Map.of());
    assertThat(Main.options(a).targetShardBytes()).isEqualTo(64L << 20);
    assertThat(Main.options(a).stopWhenIdle()).isNull();
  }

  @Test
  void aFlagWinsOverItsEnvironmentVariable() {
    CliArguments a =
        CliArguments.parse(
            List.of("run", "--max-shard-rows=5"), Map.of("MINIETL_MAX_SHARD_ROWS", "7"));
    assertThat(a.positiveLong(CliOption.MAX_SHARD_ROWS)).isEqualTo(5);
    CliArguments fromEnv =
        CliArguments.parse(List.of("run"), Map.of("MINIETL_MAX_SHARD_ROWS", "7"));
    assertThat(fromEnv.positiveLong(CliOption.MAX_SHARD_ROWS)).isEqualTo(7);
  }
}
