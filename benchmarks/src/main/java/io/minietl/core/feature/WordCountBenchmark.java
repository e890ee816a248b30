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
 * Word count over one article's content (about 5 KB): the production {@link WordCount#count}
 * against the naive {@code trim().split("\\s+")} baseline and a bare loop that only sums the same
 * characters (the physical limit of a one-pass scan).
 *
 * <p>Throughput in MB/s is ops/s × the UTF-8 bytes of the content ({@link #bytesPerOp}, printed at
 * setup) / 10<sup>6</sup>. Run:
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
  @Param({"ascii", "unicode"})
  public String text;

  private String content;

  @Setup
  public void setUp() {
    content = content(text);
    System.out.println("\n[" + text + "] UTF-8 bytes per op: " + bytesPerOp(text));
  }

  /** The UTF-8 bytes of the content one op scans, for the {@code text} parameter. */
  public static long bytesPerOp(String text) {
    return content(text).getBytes(StandardCharsets.UTF_8).length;
  }

  private static String content(String text) {
    switch (text) {
      case "ascii":
        return SampleArticles.asciiText(42, 5000);
      case "unicode":
        return SampleArticles.unicodeText(42, 5000);
      default:
        throw new IllegalArgumentException("Invalid text '" + text + "': use ascii or unicode");
    }
  }

  @Benchmark
  public int production() {
    return WordCount.count(content);
  }

  @Benchmark
  public int baselineSplit() {
    return content.trim().split("\\s+").length;
  }

  /** Not a word count: touches every char once, the floor for any one-pass scan. */
  @Benchmark
  public int bareLoop() {
    int sum = 0;
    String s = content;
    for (int i = 0, n = s.length(); i < n; i++) {
      sum += s.charAt(i);
    }
    return sum;
  }
}
