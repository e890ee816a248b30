package io.minietl.core.feature;

import io.minietl.bench.SampleArticles;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Word count over an article's content (about 5,000 chars): the production {@link WordCount#count}
 * against two baselines, the naive {@code trim().split("\\s+")} and a plain hand-written per-char
 * loop with a {@link Character#isWhitespace} test, and a bare loop that only sums the characters
 * (the floor of any one-pass scan).
 *
 * <p>Each op takes the next of {@value #TEXTS} different texts, round robin: with one repeated text
 * the branch predictor learns its word boundaries and per-char code looks faster than it is on real
 * input (the same reason {@code ParseEnrichBenchmark} rotates articles).
 *
 * <p>Throughput in MB/s is ops/s × the average UTF-8 bytes of the texts ({@link #bytesPerOp},
 * printed at setup) / 10<sup>6</sup>. Run:
 *
 * <pre>
 * mvn -B -ntp -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar WordCountBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WordCountBenchmark {
  /** Different texts per parameter, taken round robin (a power of two). */
  static final int TEXTS = 64;

  @Param({"ascii", "unicode"})
  public String text;

  private String[] contents;
  private int next;

  @Setup
  public void setUp() {
    contents = contents(text);
    System.out.println("\n[" + text + "] average UTF-8 bytes per op: " + bytesPerOp(text));
  }

  /** The average UTF-8 bytes of the texts one op scans, for the {@code text} parameter. */
  public static long bytesPerOp(String text) {
    long bytes = 0;
    for (String s : contents(text)) {
      bytes += s.getBytes(StandardCharsets.UTF_8).length;
    }
    return bytes / TEXTS;
  }

  private static String[] contents(String text) {
    String[] texts = new String[TEXTS];
    for (int i = 0; i < TEXTS; i++) {
      texts[i] =
          switch (text) {
            case "ascii" -> SampleArticles.asciiText(42 + i, 5000);
            case "unicode" -> SampleArticles.unicodeText(42 + i, 5000);
            default ->
                throw new IllegalArgumentException(
                    "Invalid text '" + text + "': use ascii or unicode");
          };
    }
    return texts;
  }

  private String nextContent() {
    String s = contents[next];
    next = (next + 1) & (TEXTS - 1);
    return s;
  }

  @Benchmark
  public int production() {
    return WordCount.count(nextContent());
  }

  @Benchmark
  public int baselineSplit() {
    return nextContent().trim().split("\\s+").length;
  }

  /**
   * What one would write by hand: one pass, a word starts where a non-whitespace char follows
   * whitespace. ({@link Character#isWhitespace} differs from Python's {@code split()} on a few
   * characters such as U+00A0; that does not matter for speed.)
   */
  @Benchmark
  public int baselineLoop() {
    String s = nextContent();
    int words = 0;
    boolean inWord = false;
    for (int i = 0, n = s.length(); i < n; i++) {
      boolean space = Character.isWhitespace(s.charAt(i));
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }

  /** Not a word count: touches every char once, the floor for any one-pass scan. */
  @Benchmark
  public int bareLoop() {
    int sum = 0;
    String s = nextContent();
    for (int i = 0, n = s.length(); i < n; i++) {
      sum += s.charAt(i);
    }
    return sum;
  }
}
