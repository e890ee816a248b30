package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this JVM (no signal handler, no System.exit) for tests of other packages. */
public final class Cli {
  private Cli() {}

  /** The exit code and what the command printed. */
  public record Result(int code, String out, String err) {
    public List<String> errLines() {
      return err.lines().toList();
    }
  }

  public static Result run(List<String> args, Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, CommandContext.of(env, o, e));
    }
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
