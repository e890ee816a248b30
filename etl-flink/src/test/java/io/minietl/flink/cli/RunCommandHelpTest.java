package io.minietl.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.cli.CommandContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options {@code run} shares with the runner ({@code StreamOption}, {@code RunOptions}): the
 * runner's names, variables and defaults, with this job's wording where they mean something else.
 */
class RunCommandHelpTest {
  private static final PrintStream NOWHERE =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void theSharedOptionsShowTheFlinkWordingWithTheRunnersVariablesAndDefaults() {
    // The lines etl-flink run --help printed before the options were shared (session 5).
    assertThat(help())
        .contains(
            "      --max-shard-age=DURATION\n"
                + "                             Accepted for the runner's sake and means nothing"
                + " more here:\n"
                + "                               --checkpoint-interval already closes every file"
                + " that often.\n"
                + "                             Env MINIETL_MAX_SHARD_AGE, default 60s.\n"
                + "      --progress-interval=DURATION\n"
                + "                             Time between progress lines (local mode).\n"
                + "                             Env MINIETL_PROGRESS_INTERVAL, default 10s.\n"
                + "      --stop-when-idle=DURATION\n"
                + "                             End the job (bounded mode) once every open shard"
                + " is caught up with no\n"
                + "                               new record for this long, after a final commit."
                + " Unset: run until\n"
                + "                               cancelled (SIGTERM/Ctrl-C in local mode).\n"
                + "                             Env MINIETL_STOP_WHEN_IDLE.\n"
                + "      --writer-id=ID")
        .contains("      --stream=NAME          Kinesis stream name.\n")
        .doesNotContain("Commit at least this often")
        .doesNotContain("Exit once every open shard");
  }

  @Test
  void everyKeyOfTheBundleNamesAnOptionOfRun() {
    // A key that no option has would silently leave the runner's text in place.
    Set<String> keys =
        command().getCommandSpec().options().stream()
            .map(OptionSpec::descriptionKey)
            .collect(Collectors.toSet());
    assertThat(new RunCommandHelp().keySet())
        .containsExactlyInAnyOrder("max-shard-age", "progress-interval", "stop-when-idle")
        .allSatisfy(key -> assertThat(keys).contains(key));
  }

  @Test
  void theSharedOptionsReachTheJobFromTheirVariables() {
    RunCommand run =
        (RunCommand)
            Main.CLI.parse(
                List.of("run"),
                CommandContext.of(
                    Map.of("MINIETL_STREAM", "S", "MINIETL_STOP_WHEN_IDLE", "3s"),
                    NOWHERE,
                    NOWHERE));

    assertThat(run.streamOption.stream()).isEqualTo("S");
    assertThat(run.run.progressInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(run.options().stopWhenIdle()).isEqualTo(Duration.ofSeconds(3));
  }

  private static CommandLine command() {
    return Main.CLI
        .commandLine(CommandContext.of(Map.of(), NOWHERE, NOWHERE))
        .getSubcommands()
        .get("run");
  }

  private static String help() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      assertThat(Main.run(List.of("run", "--help"), CommandContext.of(Map.of(), o, NOWHERE)))
          .isZero();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
