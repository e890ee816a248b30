package io.minietl.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * What a command gets from the process it runs in: the environment, standard output and error, and
 * whether it may install signal handlers. Commands read the environment only from here, so that
 * tests run them in-process with an environment of their own.
 *
 * <p>Immutable and thread-safe (the streams are the caller's).
 */
public final class CommandContext {
  private final Map<String, String> environment;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean process;

  private CommandContext(
      Map<String, String> environment, PrintStream out, PrintStream err, boolean process) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.process = process;
  }

  /** An in-process context (tests): no signal handlers, no {@code System.exit}. */
  public static CommandContext of(
      Map<String, String> environment, PrintStream out, PrintStream err) {
    return new CommandContext(environment, out, err, false);
  }

  /** The process's own environment and streams, for {@code main}: commands may handle signals. */
  public static CommandContext ofProcess() {
    return new CommandContext(System.getenv(), System.out, System.err, true);
  }

  /** The environment variables (a copy). */
  public Map<String, String> environment() {
    return environment;
  }

  /** A variable's value, or null when it is unset or blank. */
  public String variable(String name) {
    String v = environment.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /** Standard output: results and progress lines. */
  public PrintStream out() {
    return out;
  }

  /** Standard error: error lines. */
  public PrintStream err() {
    return err;
  }

  /**
   * True when the command is the process ({@link #ofProcess()}): it may install shutdown hooks
   * (SIGTERM, Ctrl-C) and read standard input. False in-process.
   */
  public boolean isProcess() {
    return process;
  }
}
