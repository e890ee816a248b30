package io.minietl.reader;

/**
 * Seeded randomness for the plan: SplitMix64 (Steele, Lea, Flood 2014), written out here so the
 * sequence depends on nothing but these lines (not on a JDK's {@code SplittableRandom}).
 */
final class Mix {
  private long state;

  private Mix(long seed) {
    this.state = seed;
  }

  /** A generator seeded by the given values, combined in order. */
  static Mix of(long... values) {
    long h = 0x6A09E667F3BCC908L;
    for (long v : values) {
      h = mix64(h ^ mix64(v + 0x9E3779B97F4A7C15L));
    }
    return new Mix(h);
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix64(state);
  }

  /** Uniform in {@code [0, bound)}, unbiased (rejection sampling). */
  int nextInt(int bound) {
    while (true) {
      long r = nextLong() >>> 1;
      long m = r % bound;
      if (r - m + (bound - 1) >= 0) { // rejects the incomplete last block of 2^63
        return (int) m;
      }
    }
  }

  /** Shuffles {@code a[from, to)} in place (Fisher-Yates). */
  void shuffle(long[] a, int from, int to) {
    for (int i = to - 1; i > from; i--) {
      int j = from + nextInt(i - from + 1);
      long t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
