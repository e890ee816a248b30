package io.minietl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The shared plumbing on a small command tree of its own. */
class CliTest {
  @Command(
      name = "tool",
      description = "A test tool.",
      subcommands = {Copy.class, Boom.class})
  static final class Tool {}

  @Command(name = "copy", description = "Copies.")
  static final class Copy implements Callable<Integer> {
    private final CommandContext context;

    @Option(names = "--target", description = "Where to.")
    @Env("TOOL_TARGET")
    String target;

    @Option(
        names = "--size",
        defaultValue = "64MiB",
        converter = Converters.Size.class,
        description = "How much.")
    @Env("TOOL_SIZE")
    long size;

    @Option(
        names = "--every",
        defaultValue = "10s",
        converter = Converters.PositiveDuration.class,
        description = "How often.")
    @Env("TOOL_EVERY")
    Duration every;

    @Option(names = "--count", defaultValue = "3", description = "How many.")
    int count;

    @Option(names = "--dry-run", description = "Do nothing.")
    boolean dryRun;

    Copy(CommandContext context) {
      this.context = context;
    }

    @Override
    public Integer call() {
      if (target == null) {
        throw new UsageException("Missing --target (or TOOL_TARGET)");
      }
      context.out().printf("copy %s %d %s %d %s%n", target, size, every, count, dryRun);
      return 0;
    }
  }

  @Command(name = "boom", description = "Fails.")
  static final class Boom implements Callable<Integer> {
    @Option(names = "--kind", defaultValue = "plain")
    String kind;

    @Override
    public Integer call() {
      switch (kind) {
        case "fenced":
          throw new IllegalStateException("Fenced by writer w2");
        case "wrapped":
          throw new IllegalArgumentException(
              "Cannot reach the store", new RuntimeException("Connection refused\nsecond line"));
        default:
          throw new ArithmeticException("Unexpected: division by zero");
      }
    }
  }

  private static final Cli CLI =
      Cli.builder("tool", Tool.class).onError(IllegalStateException.class, ExitCode.FENCED).build();

  record Result(int code, String out, String err) {
    List<String> errLines() {
      return err.lines().toList();
    }
  }

  private static Result run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = CLI.run(List.of(args), CommandContext.of(env, o, e));
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aFlagWinsOverItsVariableWhichWinsOverTheDefault() {
    assertThat(run(Map.of(), "copy", "--target", "t").out())
        .isEqualTo("copy t 67108864 PT10S 3 false\n");
    Map<String, String> env = Map.of("TOOL_TARGET", "e", "TOOL_SIZE", "1KB", "TOOL_EVERY", "5m");
    assertThat(run(env, "copy").out()).isEqualTo("copy e 1000 PT5M 3 false\n");
    assertThat(run(env, "copy", "--size=2KiB", "--target", "f", "--every", "500ms").out())
        .isEqualTo("copy f 2048 PT0.5S 3 false\n");
    assertThat(run(Map.of("TOOL_SIZE", "  "), "copy", "--target", "t").out())
        .as("a blank variable counts as unset")
        .isEqualTo("copy t 67108864 PT10S 3 false\n");
  }

  @Test
  void parseReturnsTheSelectedCommandWithItsOptionsSet() {
    CommandContext context = CommandContext.of(Map.of("TOOL_SIZE", "3"), System.out, System.err);
    Copy copy = (Copy) CLI.parse(List.of("copy", "--count", "9"), context);
    assertThat(copy.size).isEqualTo(3);
    assertThat(copy.count).isEqualTo(9);
    assertThatThrownBy(() -> CLI.parse(List.of("copy", "--count", "x"), context))
        .isInstanceOf(UsageException.class)
        .hasMessage("Invalid --count 'x': expected a whole number");
  }

  @Test
  void aBadValueNamesWhereItCameFromAndTheAcceptedForm() {
    Result flag = run(Map.of(), "copy", "--every", "0s");
    assertThat(flag.code()).isEqualTo(2);
    assertThat(flag.errLines())
        .containsExactly(
            "tool: Invalid --every '0s': expected a duration above zero, like 500ms or 10s"
                + " (see tool copy --help)");

    Result variable = run(Map.of("TOOL_SIZE", "12XB"), "copy", "--target", "t");
    assertThat(variable.code()).isEqualTo(2);
    assertThat(variable.errLines())
        .containsExactly(
            "tool: Invalid TOOL_SIZE '12XB': expected a size like 64MiB, 512KiB, 8MB or 1000000"
                + " (bytes) (see tool copy --help)");

    assertThat(run(Map.of(), "copy", "--count", "many").errLines())
        .containsExactly(
            "tool: Invalid --count 'many': expected a whole number (see tool copy --help)");
    assertThat(run(Map.of(), "copy", "--bogus").errLines())
        .containsExactly("tool: Unknown option: '--bogus' (see tool copy --help)");
    assertThat(run(Map.of(), "copy").errLines())
        .containsExactly("tool: Missing --target (or TOOL_TARGET)");
    Result missing = run(Map.of());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.errLines())
        .containsExactly("tool: Missing command: use one of copy, boom (see tool --help)");
  }

  @Test
  void eachCommandsHelpListsItsOwnOptionsWithVariableAndDefault() {
    Result help = run(Map.of("TOOL_SIZE", "1KB"), "copy", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.err()).isEmpty();
    assertThat(help.out())
        .contains("Usage: tool copy")
        .contains("Copies.")
        .contains("--target=<target>")
        .contains("Env TOOL_TARGET.")
        .contains("Env TOOL_SIZE, default 64MiB.")
        .contains("Default 3.")
        .contains("--verbose")
        .contains("Env MINIETL_VERBOSE.")
        .contains("Exit codes: 0 ok, 1 unexpected failure, 2 usage or configuration error,")
        .doesNotContain("--kind")
        .doesNotContain("1KB");
    assertThat(run(Map.of(), "boom", "-h").out()).contains("--kind").doesNotContain("--target");
    assertThat(run(Map.of(), "--help").out()).contains("copy").contains("boom").contains("Fails.");
  }

  @Test
  void versionComesFromTheBuild() {
    Result version = run(Map.of(), "--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).isEqualTo("tool " + Cli.version() + "\n");
    assertThat(Cli.version()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(run(Map.of(), "copy", "--version").out()).isEqualTo(version.out());
  }

  @Test
  void errorsAreOneLineThenTheCauseAndTheStackOnlyWhenVerbose() {
    Result plain = run(Map.of(), "boom");
    assertThat(plain.code()).isEqualTo(1);
    assertThat(plain.errLines()).containsExactly("tool: Unexpected: division by zero");

    Result fenced = run(Map.of(), "boom", "--kind", "fenced");
    assertThat(fenced.code()).isEqualTo(3);
    assertThat(fenced.errLines()).containsExactly("tool: Fenced by writer w2");

    Result wrapped = run(Map.of(), "boom", "--kind", "wrapped");
    assertThat(wrapped.errLines())
        .containsExactly("tool: Cannot reach the store", "  cause: Connection refused");

    for (Map<String, String> env :
        List.of(
            Map.of("MINIETL_VERBOSE", "1"),
            Map.of("MINIETL_VERBOSE", "yes"),
            Map.of("MINIETL_VERBOSE", "TRUE"))) {
      Result verbose = run(env, "boom", "--kind", "wrapped");
      assertThat(verbose.code()).isEqualTo(1);
      assertThat(verbose.errLines().subList(0, 2))
          .containsExactly("tool: Cannot reach the store", "  cause: Connection refused");
      assertThat(verbose.err()).contains("\tat ").contains("Caused by:");
    }
    assertThat(run(Map.of(), "boom", "--verbose").err()).contains("\tat ");
    assertThat(run(Map.of("MINIETL_VERBOSE", "0"), "boom").err()).doesNotContain("\tat ");

    Result badSwitch = run(Map.of("MINIETL_VERBOSE", "maybe"), "boom");
    assertThat(badSwitch.code()).isEqualTo(2);
    assertThat(badSwitch.errLines())
        .containsExactly(
            "tool: Invalid MINIETL_VERBOSE 'maybe': expected 1, true or yes (or 0, false, no)"
                + " (see tool boom --help)");
  }

  @Test
  void longMessagesAreCut() {
    Result r = run(Map.of(), "copy", "--count", "x".repeat(1000));
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.errLines().get(0))
        .hasSize(Cli.MAX_LINE)
        .startsWith("tool: Invalid --count 'xxx")
        .endsWith("...");
  }
}
