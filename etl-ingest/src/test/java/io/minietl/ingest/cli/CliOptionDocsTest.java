package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.cli.Cli;
import io.minietl.cli.CommandContext;
import io.minietl.ingest.IngestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The README's options table and each command's {@code --help} say what the code does. */
class CliOptionDocsTest {
  private static final CommandContext NO_ENV = CommandContext.of(Map.of(), System.out, System.err);

  private static Map<String, CommandLine> commands() {
    return Main.CLI.commandLine(NO_ENV).getSubcommands();
  }

  private static boolean documented(OptionSpec o) {
    return !o.usageHelp() && !o.versionHelp();
  }

  @Test
  void readmeListsEveryOptionWithItsEnvironmentVariableAndDefault() throws IOException {
    Path root = Path.of(System.getProperty("minietl.root", "..")).toAbsolutePath();
    String readme = Files.readString(root.resolve("README.md"));
    assertThat(commands()).containsOnlyKeys("run", "stats", "gc", "export", "errors", "health");
    for (CommandLine command : commands().values()) {
      for (OptionSpec o : command.getCommandSpec().options()) {
        if (!documented(o)) {
          continue;
        }
        String env = Cli.environmentVariable(o);
        String row =
            "| `"
                + o.longestName()
                + "` | "
                + (env == null ? "" : "`" + env + "`")
                + " | "
                + (o.defaultValue() == null ? "" : "`" + o.defaultValue() + "`")
                + " |";
        assertThat(readme).as("README row of %s", o.longestName()).contains(row);
      }
    }
  }

  @Test
  void eachCommandsHelpListsItsOwnFlagsOnly() {
    Set<String> runFlags = flags("run");
    assertThat(runFlags).contains("--stream", "--dataset", "--stop-when-idle", "--verbose");
    assertThat(flags("stats"))
        .containsExactlyInAnyOrder("--dataset", "--endpoint", "--histogram", "--verbose");
    assertThat(flags("gc"))
        .containsExactlyInAnyOrder("--dataset", "--endpoint", "--grace", "--dry-run", "--verbose");
    assertThat(flags("errors"))
        .containsExactlyInAnyOrder(
            "--dataset", "--endpoint", "--reason", "--limit", "--json", "--raw", "--verbose");
    assertThat(flags("health"))
        .containsExactlyInAnyOrder("--metrics-port", "--metrics-bind", "--verbose");
    for (String command : List.of("run", "stats", "gc", "errors", "health")) {
      String help = help(command, "--help");
      assertThat(help).startsWith("Usage: etl-ingest " + command + " ");
      for (String flag : flags(command)) {
        assertThat(help).as("%s --help", command).contains(flag);
      }
      if (!command.equals("run")) {
        assertThat(help).doesNotContain("--stream").doesNotContain("--target-shard-size");
      }
    }
    assertThat(help("run", "--help"))
        .contains("Env MINIETL_TARGET_SHARD_SIZE, default 64MiB.")
        .contains("Env MINIETL_STREAM.")
        .contains("Exit codes: 0 ok, 1 unexpected failure, 2 usage or configuration error, 3");
    assertThat(help("gc", "--help")).contains("Env MINIETL_GC_GRACE, default 1h.");
    assertThat(help("--help")).contains("run").contains("stats").contains("gc");
    assertThat(help("--version")).isEqualTo("etl-ingest " + Cli.version() + "\n");
  }

  @Test
  void runShowsTheRunnersWordingOfTheOptionsItSharesWithFlink() {
    // RunOptions' own descriptions; etl-flink's run replaces them from its resource bundle.
    assertThat(help("run", "--help"))
        .contains(
            "      --max-shard-age=DURATION\n"
                + "                             Commit at least this often while records arrive"
                + " (bounds the latency to\n"
                + "                               S3).\n"
                + "                             Env MINIETL_MAX_SHARD_AGE, default 60s.\n")
        .contains(
            "      --progress-interval=DURATION\n"
                + "                             Time between progress lines.\n"
                + "                             Env MINIETL_PROGRESS_INTERVAL, default 10s.\n")
        .contains(
            "      --stop-when-idle=DURATION\n"
                + "                             Exit once every open shard is caught up with no"
                + " new record for this\n"
                + "                               long. Unset: run until SIGTERM/Ctrl-C.\n"
                + "                             Env MINIETL_STOP_WHEN_IDLE.\n")
        .doesNotContain("Accepted for the runner's sake");
  }

  @Test
  void defaultsParseIntoValidOptions() {
    IngestOptions options = run(List.of("run"), Map.of()).options();
    assertThat(options.targetShardBytes()).isEqualTo(64L << 20);
    assertThat(options.maxShardRows()).isEqualTo(1_000_000);
    assertThat(options.progressInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.stopWhenIdle()).isNull();
  }

  @Test
  void aFlagWinsOverItsEnvironmentVariableWhichWinsOverTheDefault() {
    Map<String, String> env = Map.of("MINIETL_MAX_SHARD_ROWS", "7", "MINIETL_STOP_WHEN_IDLE", "3s");
    assertThat(run(List.of("run", "--max-shard-rows=5"), env).options().maxShardRows())
        .isEqualTo(5);
    IngestOptions fromEnv = run(List.of("run"), env).options();
    assertThat(fromEnv.maxShardRows()).isEqualTo(7);
    assertThat(fromEnv.stopWhenIdle()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void verboseReachesTheRunnerSoThatRetriedFailuresShowTheirStacks() {
    assertThat(run(List.of("run"), Map.of()).options().verbose()).isFalse();
    assertThat(run(List.of("run", "--verbose"), Map.of()).options().verbose()).isTrue();
    assertThat(run(List.of("run"), Map.of("MINIETL_VERBOSE", "yes")).options().verbose()).isTrue();
  }

  private static RunCommand run(List<String> args, Map<String, String> env) {
    return (RunCommand) Main.CLI.parse(args, CommandContext.of(env, System.out, System.err));
  }

  private static Set<String> flags(String command) {
    return commands().get(command).getCommandSpec().options().stream()
        .filter(CliOptionDocsTest::documented)
        .map(OptionSpec::longestName)
        .collect(Collectors.toSet());
  }

  private static String help(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int code = Main.run(List.of(args), CommandContext.of(Map.of(), o, System.err));
      assertThat(code).isZero();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
