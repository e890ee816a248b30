package io.minietl.reader;

import java.util.Arrays;
import java.util.Objects;

/**
 * The pure heart of the reader: which rows one rank yields in one epoch, in which order. No I/O;
 * the input is the row count of every unit (a record batch of a shard, after the filter and split
 * if any), in the dataset's canonical order.
 *
 * <p>The plan, for N rows in units u_0..u_{k-1}:
 *
 * <ol>
 *   <li>Permute the units with a generator seeded by (seed, epoch, segment); sequential reading
 *       keeps the canonical order. Concatenated, the units give the epoch's row sequence S of
 *       length N, the same on every rank.
 *   <li>Cut S into {@code worldSize} contiguous slices: rank r gets {@code [floor(rN/W),
 *       floor((r+1)N/W))} (PAD) or {@code [r*q, r*q + q')} with {@code q = floor(N/W)}, {@code q' =
 *       floor(q/B)*B} (DROP). Slices are disjoint, so every row goes to at most one rank (exactly
 *       one with PAD), and a rank reads only about 1/W of the data.
 *   <li>Within a rank's slice, take the pieces of units in order, group them into windows of {@code
 *       windowUnits} pieces and permute the rows of each window (seeded by seed, epoch, segment,
 *       rank, window).
 *   <li>PAD: append repeats of the rank's own last rows until every rank has {@code
 *       ceil(ceil(N/W)/B)} batches; DROP: keep the first {@code q'} rows.
 * </ol>
 *
 * <p>A row is encoded as {@code unit << 32 | offset}, offset counting the unit's rows (after
 * selection) from 0. Rows at index {@code >= realRows()} are padding.
 */
final class EpochPlan {
  private final long[] rows;
  private final int realRows;
  private final int batchSize;

  private EpochPlan(long[] rows, int realRows, int batchSize) {
    this.rows = rows;
    this.realRows = realRows;
    this.batchSize = batchSize;
  }

  /** The parameters of a plan that do not depend on the data. */
  record Params(
      long seed,
      boolean shuffle,
      long epoch,
      long segment,
      int worldSize,
      int rank,
      int batchSize,
      int windowUnits,
      Remainder remainder) {
    Params {
      Objects.requireNonNull(remainder, "remainder");
      if (worldSize < 1 || rank < 0 || rank >= worldSize) {
        throw new IllegalArgumentException(
            "Invalid rank " + rank + " of world size " + worldSize + ": need 0 <= rank < size");
      }
      if (batchSize < 1 || windowUnits < 1) {
        throw new IllegalArgumentException(
            "Invalid batch size " + batchSize + " or window " + windowUnits + ": must be >= 1");
      }
    }
  }

  static long encode(int unit, int offset) {
    return ((long) unit << 32) | (offset & 0xFFFFFFFFL);
  }

  static int unit(long row) {
    return (int) (row >>> 32);
  }

  static int offset(long row) {
    return (int) row;
  }

  static EpochPlan plan(int[] unitRows, Params p) {
    int units = unitRows.length;
    long n = 0;
    for (int r : unitRows) {
      if (r < 0) {
        throw new IllegalArgumentException("Invalid unit row count " + r);
      }
      n += r;
    }
    int[] order = new int[units];
    for (int i = 0; i < units; i++) {
      order[i] = i;
    }
    if (p.shuffle()) {
      Mix.of(p.seed(), p.epoch(), p.segment()).shuffle(order);
    }
    long w = p.worldSize();
    long b = p.batchSize();
    long start;
    long len;
    long total;
    if (p.remainder() == Remainder.DROP) {
      long q = n / w;
      start = p.rank() * q;
      len = q / b * b;
      total = len;
    } else {
      start = p.rank() * n / w;
      len = (p.rank() + 1) * n / w - start;
      long perRank = (n + w - 1) / w;
      total = (perRank + b - 1) / b * b;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Invalid plan: " + total + " rows for one rank in one segment; use more ranks");
    }
    long[] out = new long[(int) total];
    // Walk S to the slice start, then copy pieces, shuffling each window of pieces.
    long pos = 0;
    int i = 0;
    while (i < units && pos + unitRows[order[i]] <= start) {
      pos += unitRows[order[i]];
      i++;
    }
    int filled = 0;
    int windowStart = 0;
    int piecesInWindow = 0;
    long window = 0;
    while (filled < len && i < units) {
      int u = order[i];
      int from = (int) Math.max(0, start - pos);
      int to = (int) Math.min(unitRows[u], start + len - pos);
      for (int off = from; off < to; off++) {
        out[filled++] = encode(u, off);
      }
      pos += unitRows[u];
      i++;
      if (to > from && ++piecesInWindow == p.windowUnits()) {
        shuffleWindow(out, windowStart, filled, p, window++);
        windowStart = filled;
        piecesInWindow = 0;
      }
    }
    shuffleWindow(out, windowStart, filled, p, window);
    int real = filled;
    if (real == 0 && total > 0) {
      // Fewer rows than ranks: borrow from the start of S (only possible with PAD).
      long[] borrowed = firstRows(unitRows, order, (int) Math.min(total, n));
      for (int k = 0; k < total; k++) {
        out[k] = borrowed[k % borrowed.length];
      }
    } else {
      for (int k = real; k < total; k++) {
        out[k] = out[real - 1 - ((k - real) % real)];
      }
    }
    return new EpochPlan(out, real, p.batchSize());
  }

  private static long[] firstRows(int[] unitRows, int[] order, int count) {
    long[] rows = new long[count];
    int k = 0;
    for (int i = 0; i < order.length && k < count; i++) {
      for (int off = 0; off < unitRows[order[i]] && k < count; off++) {
        rows[k++] = encode(order[i], off);
      }
    }
    return rows;
  }

  private static void shuffleWindow(long[] out, int from, int to, Params p, long window) {
    if (p.shuffle() && to - from > 1) {
      Mix.of(p.seed(), p.epoch(), p.segment(), p.rank(), window).shuffle(out, from, to);
    }
  }

  /** The rows, real then padding; length is a multiple of the batch size. */
  long[] rows() {
    return rows;
  }

  int realRows() {
    return realRows;
  }

  int batchSize() {
    return batchSize;
  }

  int batchCount() {
    return rows.length / batchSize;
  }

  boolean isPadding(int index) {
    return index >= realRows;
  }

  @Override
  public String toString() {
    return "EpochPlan{rows=" + Arrays.toString(rows) + ", real=" + realRows + "}";
  }
}
