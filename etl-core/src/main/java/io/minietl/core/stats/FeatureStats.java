package io.minietl.core.stats;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.Objects;
import java.util.Optional;

/**
 * Statistics of an integer feature over a set of records: count, sum, min, max and the sum of
 * squares, all exact integers. Mean, variance and standard deviation are derived from them.
 *
 * <p>Immutable and mergeable, like Caffeine's {@code CacheStats}: {@code a.plus(b)} is the
 * statistics of the union of the records of {@code a} and {@code b}. Because every stored quantity
 * is an exact integer, {@link #plus} is exactly associative and commutative and {@link #empty()} is
 * its identity, so partial results from any number of workers, merged in any order, equal the
 * result over the whole (no floating-point merge drift, no catastrophic cancellation in the
 * variance: it is computed once, from exact sums, in {@link BigDecimal}).
 *
 * <p>They also carry the {@link Histogram} of the values (power-of-two buckets, as exact under
 * {@link #plus} as the rest) when it is known: statistics read from a manifest written before
 * histograms existed have none, and a merge with them has none either ({@link #histogram()} is then
 * empty) rather than a histogram of only part of the records.
 *
 * <p>Bounds: the sum is a {@code long} (overflow throws {@link ArithmeticException}: 9.2e18 words
 * is beyond any dataset); the sum of squares is unbounded. Thread-safe.
 */
public final class FeatureStats {
  private static final FeatureStats EMPTY =
      new FeatureStats(0, 0, Long.MAX_VALUE, Long.MIN_VALUE, BigInteger.ZERO, Histogram.empty());

  // Largest magnitude below which every long is exactly representable as a double.
  private static final long EXACT_DOUBLE = 1L << 53;

  private final long count;
  private final long sum;
  private final long min;
  private final long max;
  private final BigInteger sumOfSquares;
  private final Histogram histogram; // null: not known

  private FeatureStats(
      long count, long sum, long min, long max, BigInteger sumOfSquares, Histogram histogram) {
    this.count = count;
    this.sum = sum;
    this.min = min;
    this.max = max;
    this.sumOfSquares = sumOfSquares;
    this.histogram = histogram;
  }

  /** The statistics of no records: the identity of {@link #plus}. */
  public static FeatureStats empty() {
    return EMPTY;
  }

  /**
   * Statistics from their stored quantities (as read back from a manifest).
   *
   * @throws IllegalArgumentException if the quantities are inconsistent (negative count, min above
   *     max, a non-empty sum for no records, a sum outside {@code [count·min, count·max]}, a sum of
   *     squares below {@code sum²/count} or above {@code count·max(min², max²)}, ...)
   */
  public static FeatureStats of(long count, long sum, long min, long max, BigInteger sumOfSquares) {
    return of(count, sum, min, max, sumOfSquares, null);
  }

  /**
   * Statistics from their stored quantities and the histogram of the values ({@code null}: not
   * known).
   *
   * @throws IllegalArgumentException if the quantities are inconsistent (see {@link #of(long, long,
   *     long, long, BigInteger)}), or the histogram does not count {@code count} values from the
   *     bucket of {@code min} to the bucket of {@code max}
   */
  public static FeatureStats of(
      long count, long sum, long min, long max, BigInteger sumOfSquares, Histogram histogram) {
    Objects.requireNonNull(sumOfSquares, "sumOfSquares");
    if (histogram != null
        && (histogram.total() != count
            || (count > 0
                && (histogram.firstBucket() != Histogram.bucket(min)
                    || histogram.lastBucket() != Histogram.bucket(max))))) {
      throw new IllegalArgumentException(
          "Invalid statistics: histogram "
              + histogram
              + " does not hold "
              + count
              + " values from "
              + min
              + " to "
              + max);
    }
    if (count == 0) {
      if (sum != 0 || sumOfSquares.signum() != 0) {
        throw new IllegalArgumentException(
            "Invalid statistics: count 0 with sum " + sum + " and sum of squares " + sumOfSquares);
      }
      return EMPTY;
    }
    if (count < 0
        || min > max
        || sumOfSquares.signum() < 0
        || !consistent(count, sum, min, max, sumOfSquares)) {
      throw new IllegalArgumentException(
          "Invalid statistics: count="
              + count
              + " min="
              + min
              + " max="
              + max
              + " sumOfSquares="
              + sumOfSquares);
    }
    return new FeatureStats(count, sum, min, max, sumOfSquares, histogram);
  }

  // Necessary conditions that a corrupted or hand-edited manifest would likely break:
  // count·min <= sum <= count·max, n·Σx² >= (Σx)² (Cauchy-Schwarz), Σx² <= n·max(min², max²).
  private static boolean consistent(
      long count, long sum, long min, long max, BigInteger sumOfSquares) {
    BigInteger n = BigInteger.valueOf(count);
    BigInteger s = BigInteger.valueOf(sum);
    return n.multiply(BigInteger.valueOf(min)).compareTo(s) <= 0
        && n.multiply(BigInteger.valueOf(max)).compareTo(s) >= 0
        && n.multiply(sumOfSquares).compareTo(s.multiply(s)) >= 0
        && sumOfSquares.compareTo(n.multiply(largestSquare(min, max))) <= 0;
  }

  private static BigInteger largestSquare(long min, long max) {
    BigInteger a = BigInteger.valueOf(min).abs();
    BigInteger b = BigInteger.valueOf(max).abs();
    BigInteger m = a.max(b);
    return m.multiply(m);
  }

  /** Statistics of the given values. */
  public static FeatureStats ofValues(long... values) {
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    for (long v : values) {
      acc.add(v);
    }
    return acc.snapshot();
  }

  public long count() {
    return count;
  }

  public long sum() {
    return sum;
  }

  /**
   * The smallest value.
   *
   * @throws IllegalStateException if there are no records
   */
  public long min() {
    requireNonEmpty("min");
    return min;
  }

  /**
   * The largest value.
   *
   * @throws IllegalStateException if there are no records
   */
  public long max() {
    requireNonEmpty("max");
    return max;
  }

  /** The exact sum of the squared values. */
  public BigInteger sumOfSquares() {
    return sumOfSquares;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** The histogram of the values; empty when it is not known (see the class comment). */
  public Optional<Histogram> histogram() {
    return Optional.ofNullable(histogram);
  }

  /**
   * These statistics with no known histogram, as a manifest written before histograms holds them
   * (empty statistics keep their empty histogram: nothing is unknown about no records).
   */
  public FeatureStats withoutHistogram() {
    return count == 0 || histogram == null
        ? this
        : new FeatureStats(count, sum, min, max, sumOfSquares, null);
  }

  /** The arithmetic mean, or NaN if there are no records. */
  public double mean() {
    if (count == 0) {
      return Double.NaN;
    }
    if (Math.abs(sum) <= EXACT_DOUBLE && count <= EXACT_DOUBLE) {
      // Both operands are exact doubles, so IEEE division rounds the true quotient once.
      return (double) sum / count;
    }
    return BigDecimal.valueOf(sum)
        .divide(BigDecimal.valueOf(count), MathContext.DECIMAL128)
        .doubleValue();
  }

  /**
   * The population variance, {@code (n·Σx² − (Σx)²) / n²}: the numerator is exact, the division is
   * carried to 34 significant digits, then rounded to a double; NaN if there are no records.
   */
  public double variance() {
    if (count == 0) {
      return Double.NaN;
    }
    BigInteger n = BigInteger.valueOf(count);
    BigInteger s = BigInteger.valueOf(sum);
    BigInteger numerator = n.multiply(sumOfSquares).subtract(s.multiply(s));
    return new BigDecimal(numerator)
        .divide(new BigDecimal(n.multiply(n)), MathContext.DECIMAL128)
        .doubleValue();
  }

  /** The population standard deviation; NaN if there are no records. */
  public double stddev() {
    return Math.sqrt(variance());
  }

  /** The statistics of the records of this and {@code other} together. */
  public FeatureStats plus(FeatureStats other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      return other;
    }
    return new FeatureStats(
        Math.addExact(count, other.count),
        Math.addExact(sum, other.sum),
        Math.min(min, other.min),
        Math.max(max, other.max),
        sumOfSquares.add(other.sumOfSquares),
        histogram == null || other.histogram == null ? null : histogram.plus(other.histogram));
  }

  private void requireNonEmpty(String what) {
    if (count == 0) {
      throw new IllegalStateException("Cannot take the " + what + " of empty statistics");
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof FeatureStats)) {
      return false;
    }
    FeatureStats that = (FeatureStats) o;
    return count == that.count
        && sum == that.sum
        && min == that.min
        && max == that.max
        && sumOfSquares.equals(that.sumOfSquares)
        && Objects.equals(histogram, that.histogram);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, sum, min, max, sumOfSquares, histogram);
  }

  @Override
  public String toString() {
    if (count == 0) {
      return "FeatureStats{count=0}";
    }
    return String.format(
        "FeatureStats{count=%d, sum=%d, min=%d, max=%d, mean=%.4f, stddev=%.4f}",
        count, sum, min, max, mean(), stddev());
  }
}
