package io.minietl.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child process with its output in a log file, stopped with its whole process tree on {@link
 * #close()} or, failing that, by a JVM shutdown hook. (When this JVM is killed, the Node preload
 * script sees its parent gone and exits.) An exit before {@link #close()} is reported on standard
 * error with the end of the log.
 */
final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Thread shutdownHook;
  private volatile boolean stopping;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.shutdownHook = new Thread(this::destroyTree, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    process.onExit().thenRun(this::reportUnexpectedExit);
  }

  /**
   * A child that exits by itself leaves the tests after it with "connection refused" and nothing
   * else: say here, where the test output shows it, how it ended.
   */
  private void reportUnexpectedExit() {
    if (!stopping) {
      System.err.printf(
          "%s (pid %d) exited unexpectedly with code %d; the end of its log %s:%n%s%n",
          name, process.pid(), process.exitValue(), log, logTail());
    }
  }

  static ChildProcess start(
      String name, List<String> command, Map<String, String> environment, Path workDir, Path log) {
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(environment);
      Files.writeString(
          log,
          "# " + String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      return new ChildProcess(name, builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot start " + name + " (" + command.get(0) + "): is it installed and on PATH?", e);
    }
  }

  /**
   * Polls {@code ready} until it holds. Returns false, without waiting further, when the process
   * exits first; throws when the timeout passes.
   */
  boolean awaitReady(BooleanSupplier ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        return false;
      }
      if (ready.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException(
            "Cannot start " + name + ": not ready after " + timeout + "; see its log " + log);
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("Interrupted while starting " + name, e);
      }
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** The last lines of the log, for error messages. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    destroyTree();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs (or ran) destroyTree itself.
    }
  }

  private void destroyTree() {
    stopping = true;
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy(); // SIGTERM; the preload logs it and exits
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
