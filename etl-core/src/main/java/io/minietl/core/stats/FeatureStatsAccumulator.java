package io.minietl.core.stats;

import java.math.BigInteger;

/**
 * The mutable counterpart of {@link FeatureStats}: add values in the hot path, take an immutable
 * {@link #snapshot()} when needed.
 *
 * <p>{@link #add} does no allocation: the sum of squares is kept as a 128-bit integer in two {@code
 * long}s and only becomes a {@link BigInteger} in {@link #snapshot()}. Not thread-safe: give each
 * thread its own accumulator and merge the snapshots.
 */
public final class FeatureStatsAccumulator {
  private long count;
  private long sum;
  private long min = Long.MAX_VALUE;
  private long max = Long.MIN_VALUE;
  // Σx² as an unsigned 128-bit integer (squares are non-negative): high and low 64 bits.
  private long squaresHigh;
  private long squaresLow;
  // Merged-in sums of squares that may exceed 128 bits, kept apart; null until needed.
  private BigInteger squaresCarried;
  // The histogram's buckets (Histogram.bucket); unknown once statistics without one merged in.
  private final long[] buckets = new long[Histogram.BUCKETS];
  private boolean histogramUnknown;

  /**
   * Adds one value.
   *
   * @throws ArithmeticException if the sum overflows a {@code long} (the accumulator is then
   *     unchanged)
   */
  public void add(long value) {
    sum = Math.addExact(sum, value);
    count++;
    buckets[Histogram.bucket(value)]++;
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
    long lo = value * value;
    long hi = Math.multiplyHigh(value, value);
    long newLow = squaresLow + lo;
    // Unsigned carry out of the low word.
    long carry = Long.compareUnsigned(newLow, squaresLow) < 0 ? 1 : 0;
    squaresLow = newLow;
    squaresHigh += hi + carry;
    if (squaresHigh < 0) {
      // The high word passed 2^63 (still exact as unsigned: one square adds at most 2^62 to
      // it); move the sum to the BigInteger before a later add could wrap it.
      flushSquares();
    }
  }

  /**
   * Adds every record of {@code stats}, as if each of its values had been added.
   *
   * @throws ArithmeticException if the sum or the count overflows a {@code long} (the accumulator
   *     is then unchanged)
   */
  public void addAll(FeatureStats stats) {
    if (stats.isEmpty()) {
      return;
    }
    // Both checks before any write, so an overflow leaves the accumulator unchanged.
    long newSum = Math.addExact(sum, stats.sum());
    long newCount = Math.addExact(count, stats.count());
    sum = newSum;
    count = newCount;
    min = Math.min(min, stats.min());
    max = Math.max(max, stats.max());
    squaresCarried =
        squaresCarried == null ? stats.sumOfSquares() : squaresCarried.add(stats.sumOfSquares());
    if (stats.histogram().isPresent()) {
      long[] other = stats.histogram().get().counts();
      for (int k = 0; k < other.length; k++) {
        buckets[k] += other[k];
      }
    } else {
      histogramUnknown = true;
    }
  }

  public long count() {
    return count;
  }

  /** The statistics of every value added so far. */
  public FeatureStats snapshot() {
    if (count == 0) {
      return FeatureStats.empty();
    }
    return FeatureStats.of(
        count,
        sum,
        min,
        max,
        sumOfSquares(),
        histogramUnknown ? null : Histogram.trimmed(buckets.clone()));
  }

  /** Forgets every value. */
  public void reset() {
    count = 0;
    sum = 0;
    min = Long.MAX_VALUE;
    max = Long.MIN_VALUE;
    squaresHigh = 0;
    squaresLow = 0;
    squaresCarried = null;
    java.util.Arrays.fill(buckets, 0);
    histogramUnknown = false;
  }

  private BigInteger sumOfSquares() {
    BigInteger wide =
        new BigInteger(Long.toUnsignedString(squaresHigh))
            .shiftLeft(64)
            .add(new BigInteger(Long.toUnsignedString(squaresLow)));
    return squaresCarried == null ? wide : squaresCarried.add(wide);
  }

  private void flushSquares() {
    squaresCarried = sumOfSquares();
    squaresHigh = 0;
    squaresLow = 0;
  }
}
