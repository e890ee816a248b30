package io.minietl.core.stats;

import java.util.Arrays;

/**
 * Counts of an integer feature's values in fixed power-of-two buckets: bucket 0 holds the values up
 * to 0, bucket {@code k >= 1} the values from {@code 2^(k-1)} to {@code 2^k - 1} (1, 2-3, 4-7,
 * 8-15, ...), up to bucket 63 for {@code Long.MAX_VALUE}. The buckets are the same for every
 * histogram, so two merge exactly: {@code a.plus(b)} adds the counts bucket by bucket, associative
 * and commutative with {@link #empty()} as identity, like {@link FeatureStats}.
 *
 * <p>Immutable; {@link #counts()} is trimmed after the last non-empty bucket. Thread-safe.
 */
public final class Histogram {
  /** Buckets 0 to 63. */
  public static final int BUCKETS = 64;

  private static final Histogram EMPTY = new Histogram(new long[0]);

  private final long[] counts;
  private final long total;

  private Histogram(long[] counts) {
    this.counts = counts;
    long t = 0;
    for (long c : counts) {
      t = Math.addExact(t, c);
    }
    this.total = t;
  }

  /** No values. */
  public static Histogram empty() {
    return EMPTY;
  }

  /**
   * A histogram from its bucket counts, bucket 0 first (trailing zeros may be left out).
   *
   * @throws IllegalArgumentException if a count is negative or there are more than {@link #BUCKETS}
   *     buckets
   */
  public static Histogram of(long... counts) {
    if (counts.length > BUCKETS) {
      throw new IllegalArgumentException(
          "Invalid histogram: " + counts.length + " buckets, at most " + BUCKETS);
    }
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException(
            "Invalid histogram: negative bucket count in " + Arrays.toString(counts));
      }
    }
    return trimmed(counts.clone());
  }

  static Histogram trimmed(long[] counts) {
    int n = counts.length;
    while (n > 0 && counts[n - 1] == 0) {
      n--;
    }
    return n == 0 ? EMPTY : new Histogram(n == counts.length ? counts : Arrays.copyOf(counts, n));
  }

  /** The bucket of {@code value}. */
  public static int bucket(long value) {
    return value <= 0 ? 0 : Long.SIZE - Long.numberOfLeadingZeros(value);
  }

  /** The smallest value of bucket {@code k} (for bucket 0: 0, the values below it count too). */
  public static long lowerBound(int k) {
    checkBucket(k);
    return k == 0 ? 0 : 1L << (k - 1);
  }

  /** The largest value of bucket {@code k}. */
  public static long upperBound(int k) {
    checkBucket(k);
    return k == 0 ? 0 : k == 63 ? Long.MAX_VALUE : (1L << k) - 1;
  }

  private static void checkBucket(int k) {
    if (k < 0 || k >= BUCKETS) {
      throw new IllegalArgumentException("Invalid bucket " + k + ": expected 0 to 63");
    }
  }

  /** The bucket counts, bucket 0 first, up to the last non-empty bucket (a copy). */
  public long[] counts() {
    return counts.clone();
  }

  /** The count of bucket {@code k} (0 beyond the last non-empty one). */
  public long count(int k) {
    checkBucket(k);
    return k < counts.length ? counts[k] : 0;
  }

  /** How many values in all. */
  public long total() {
    return total;
  }

  public boolean isEmpty() {
    return total == 0;
  }

  /** The histogram of the values of this and {@code other} together. */
  public Histogram plus(Histogram other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    long[] sum = Arrays.copyOf(counts, Math.max(counts.length, other.counts.length));
    for (int k = 0; k < other.counts.length; k++) {
      sum[k] = Math.addExact(sum[k], other.counts[k]);
    }
    return new Histogram(sum);
  }

  /** The index of the first non-empty bucket; -1 when empty. */
  int firstBucket() {
    for (int k = 0; k < counts.length; k++) {
      if (counts[k] != 0) {
        return k;
      }
    }
    return -1;
  }

  /** The index of the last non-empty bucket; -1 when empty. */
  int lastBucket() {
    return counts.length - 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Histogram h && Arrays.equals(counts, h.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "Histogram" + Arrays.toString(counts);
  }
}
