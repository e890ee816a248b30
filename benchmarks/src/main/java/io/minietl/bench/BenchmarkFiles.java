package io.minietl.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File chores the benchmark harnesses share: writing their section of a docs page, cleaning up. */
public final class BenchmarkFiles {
  private BenchmarkFiles() {}

  /** The line that opens a generated section: {@code <!-- NAME:start -->}. */
  public static String startMarker(String name) {
    return "<!-- " + name + ":start -->";
  }

  /** The line that closes a generated section: {@code <!-- NAME:end -->}. */
  public static String endMarker(String name) {
    return "<!-- " + name + ":end -->";
  }

  /**
   * Replaces what stands between the section's start and end markers in {@code docs} with {@code
   * section}, keeping the markers and everything around them.
   *
   * @throws IllegalArgumentException if the file lacks a marker, or has them in the wrong order
   */
  public static void replaceSection(Path docs, String name, String section) throws IOException {
    String start = startMarker(name);
    String end = endMarker(name);
    String text = Files.readString(docs, StandardCharsets.UTF_8);
    int from = text.indexOf(start);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          "Cannot update " + docs + ": it needs the lines " + start + " and " + end);
    }
    String updated =
        text.substring(0, from + start.length())
            + "\n"
            + section.strip()
            + "\n"
            + text.substring(to);
    Files.writeString(docs, updated, StandardCharsets.UTF_8);
  }

  /** Deletes {@code dir} and everything below it; nothing if it does not exist. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
