package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.cli.Cli;
import io.minietl.cli.CommandContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProduceCommandTest {
  private static ProduceCommand parse(List<String> args, Map<String, String> env) {
    List<String> all = new ArrayList<>();
    all.add("produce");
    all.addAll(args);
    return (ProduceCommand) Main.CLI.parse(all, CommandContext.of(env, System.out, System.err));
  }

  /** The exit code and the error lines of an in-process run. */
  private static Map.Entry<Integer, List<String>> run(Map<String, String> env, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(List.of(args), env, System.out, e);
    }
    return Map.entry(code, err.toString(StandardCharsets.UTF_8).lines().toList());
  }

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverDefaults() {
    ProduceCommand defaults = parse(List.of(), Map.of());
    assertThat(defaults.stream()).isEqualTo("MyStream");
    assertThat(defaults.records()).isEqualTo(1000);
    assertThat(defaults.sizeMb()).isNull();
    assertThat(defaults.iterations()).isEqualTo(1);
    assertThat(defaults.pause()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.malformedShare()).isZero();

    Map<String, String> env =
        Map.of("DATASET_SIZE_MB", "5", "NUM_ITERATIONS", "3", "MINIETL_STREAM", "FromEnv");
    ProduceCommand fromEnv = parse(List.of(), env);
    assertThat(fromEnv.sizeMb()).isEqualTo(5.0);
    assertThat(fromEnv.iterations()).isEqualTo(3);
    assertThat(fromEnv.stream()).isEqualTo("FromEnv");

    ProduceCommand flags =
        parse(List.of("--iterations", "2", "--pause=500ms", "--malformed-share", "0.02"), env);
    assertThat(flags.iterations()).isEqualTo(2);
    assertThat(flags.pause()).isEqualTo(Duration.ofMillis(500));
    assertThat(flags.malformedShare()).isEqualTo(0.02);
  }

  @Test
  void badValuesExitWithCode2AndOneLineNamingTheFlagOrVariable() {
    String hint = " (see examples produce --help)";
    assertThat(run(Map.of(), "produce", "--malformed-share", "2"))
        .isEqualTo(
            Map.entry(
                2,
                List.of(
                    "examples: Invalid --malformed-share '2': expected a number between 0 and 1"
                        + " (e.g. 0.02)"
                        + hint)));
    assertThat(run(Map.of(), "produce", "--records", "0").getValue())
        .containsExactly(
            "examples: Invalid --records '0': expected a whole number from 1 to 2147483647" + hint);
    assertThat(run(Map.of(), "produce", "--pause", "soon").getValue())
        .containsExactly(
            "examples: Invalid --pause 'soon': expected a duration like 500ms, 30s, 5m, 1h or"
                + " PT30S"
                + hint);
    assertThat(run(Map.of("ITERATION_PAUSE", "soon"), "produce").getValue())
        .containsExactly(
            "examples: Invalid ITERATION_PAUSE 'soon': expected a duration like 500ms, 30s, 5m,"
                + " 1h or PT30S"
                + hint);
    assertThat(run(Map.of(), "produce", "--bogus", "1").getValue())
        .containsExactly("examples: Unknown options: '--bogus', '1'" + hint);
    assertThat(run(Map.of(), "produce", "--replay", "/no/such.jsonl").getValue())
        .containsExactly(
            "examples: Invalid --replay '/no/such.jsonl': expected a readable JSON-lines file"
                + " (one article a line)"
                + hint);
    assertThat(run(Map.of(), "produce", "--bogus", "1").getKey()).isEqualTo(2);
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    assertThat(help("produce", "--help"))
        .startsWith("Usage: examples produce ")
        .contains("--records=N")
        .contains("Env NUM_RECORDS, default 1000.")
        .contains("Env MINIETL_STREAM, default MyStream.")
        .doesNotContain("--world-size")
        .doesNotContain("--env-file");
    assertThat(help("train", "--help"))
        .startsWith("Usage: examples train ")
        .contains("--world-size=N")
        .contains("Env MINIETL_DATASET.")
        .doesNotContain("--records");
    assertThat(help("local-stack", "--help"))
        .startsWith("Usage: examples local-stack ")
        .contains("--env-file=FILE")
        .contains("Default .demo/s3.")
        .doesNotContain("--records");
    assertThat(help("--help")).contains("produce").contains("train").contains("local-stack");
    assertThat(help("--version")).isEqualTo("examples " + Cli.version() + "\n");
  }

  @Test
  void missingRequiredValuesNameTheFlagAndVariable() {
    assertThat(run(Map.of(), "train"))
        .isEqualTo(Map.entry(2, List.of("examples: Missing --dataset (or MINIETL_DATASET)")));
    assertThat(run(Map.of(), "train", "--dataset", "http://x/y").getValue())
        .containsExactly(
            "examples: Invalid --dataset 'http://x/y': expected s3://bucket/prefix, file:///path"
                + " or a directory path (unknown scheme http) (see examples train --help)");
    assertThat(run(Map.of(), "local-stack"))
        .isEqualTo(
            Map.entry(
                2, List.of("examples: Missing --env-file (see examples local-stack --help)")));
  }

  private static String help(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      assertThat(Main.run(List.of(args), Map.of(), o, System.err)).isZero();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theArticleIdOfAReplayedLineIsItsPartitionKeyWhenPresent() {
    assertThat(ProduceCommand.articleId(bytes("{\"title\":{\"a\":1},\"article_id\":\"x-1\"}")))
        .isEqualTo("x-1");
    assertThat(ProduceCommand.articleId(bytes("{\"article_id\":5}"))).isNull();
    assertThat(ProduceCommand.articleId(bytes("[1]"))).isNull();
    assertThat(ProduceCommand.articleId(bytes("{not json"))).isNull();
  }

  @Test
  void linesAreSplitOnNewlinesWithoutTheirLineBreaks() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes("a\r\n\nbc\nd"));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes("a"));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes(""));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes("bc"));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes("d"));
    assertThat(ProduceCommand.readLine(in)).isNull();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
