package io.minietl.reader;

/** What an epoch does with rows that do not fill a whole batch on every rank. */
public enum Remainder {
  /**
   * Every rank yields {@code floor(floor(N / worldSize) / batchSize)} full batches; the rows left
   * over (fewer than {@code worldSize * (batchSize + 1)}) are not yielded this epoch. Which rows
   * those are changes with the epoch when shuffling.
   */
  DROP,
  /**
   * Every row is yielded; every rank yields {@code ceil(ceil(N / worldSize) / batchSize)} batches
   * and fills its last batches with repeats of its own last rows, marked by {@link
   * Batch#isPadding(int)}.
   */
  PAD
}
