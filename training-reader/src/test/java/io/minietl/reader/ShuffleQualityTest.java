package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Shuffle quality of the plan against a per-rank buffer shuffle (WebDataset / HF streaming: shards
 * in a shuffled order, rows through a buffer of B rows, a random one out per row in). Figures
 * printed here are the ones in docs/PERFORMANCE.md. 100 shards x 8 record batches x 1000 rows, 1
 * rank.
 */
class ShuffleQualityTest {
  static final int SHARDS = 100;
  static final int UNITS_PER_SHARD = 8;
  static final int ROWS_PER_UNIT = 1000;

  /** Original position of each output row, and its shard. */
  record Order(long[] original, int[] shard) {}

  static Order plan(int window) {
    int[] units = new int[SHARDS * UNITS_PER_SHARD];
    java.util.Arrays.fill(units, ROWS_PER_UNIT);
    EpochPlan p =
        EpochPlan.plan(units, new EpochPlan.Params(1, true, 0, 1, 1, 0, 1, window, Remainder.DROP));
    long[] orig = new long[p.realRows()];
    int[] shard = new int[orig.length];
    for (int i = 0; i < orig.length; i++) {
      int u = EpochPlan.unit(p.rows()[i]);
      orig[i] = (long) u * ROWS_PER_UNIT + EpochPlan.offset(p.rows()[i]);
      shard[i] = u / UNITS_PER_SHARD;
    }
    return new Order(orig, shard);
  }

  static Order bufferShuffle(int buffer) {
    SplittableRandom rnd = new SplittableRandom(1);
    int[] shards = new int[SHARDS];
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = i;
    }
    for (int i = SHARDS - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = shards[i];
      shards[i] = shards[j];
      shards[j] = t;
    }
    List<Long> buf = new ArrayList<>();
    int rowsPerShard = UNITS_PER_SHARD * ROWS_PER_UNIT;
    long[] orig = new long[SHARDS * rowsPerShard];
    int k = 0;
    for (int s : shards) {
      for (int r = 0; r < rowsPerShard; r++) {
        buf.add((long) s * rowsPerShard + r);
        if (buf.size() >= buffer) {
          int j = rnd.nextInt(buf.size());
          orig[k++] = buf.get(j);
          buf.set(j, buf.get(buf.size() - 1));
          buf.remove(buf.size() - 1);
        }
      }
    }
    while (!buf.isEmpty()) {
      int j = rnd.nextInt(buf.size());
      orig[k++] = buf.get(j);
      buf.set(j, buf.get(buf.size() - 1));
      buf.remove(buf.size() - 1);
    }
    int[] shard = new int[orig.length];
    for (int i = 0; i < orig.length; i++) {
      shard[i] = (int) (orig[i] / rowsPerShard);
    }
    return new Order(orig, shard);
  }

  static double correlation(long[] original) {
    int n = original.length;
    double mean = (n - 1) / 2.0;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double x = i - mean;
      double y = original[i] - mean;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  static double sameShardShare(int[] shard) {
    int same = 0;
    for (int i = 1; i < shard.length; i++) {
      same += shard[i] == shard[i - 1] ? 1 : 0;
    }
    return (double) same / (shard.length - 1);
  }

  static String row(String name, Order o) {
    return String.format(
        "| %s | %.4f | %.4f |", name, correlation(o.original()), sameShardShare(o.shard()));
  }

  @Test
  void twoLevelShuffleMixesShardsBetterThanABufferShuffleOfTheSameMemory() {
    List<String> rows = new ArrayList<>();
    for (int w : new int[] {1, 4, 8, 32}) {
      rows.add(row("plan, window " + w + " units (" + w * ROWS_PER_UNIT + " rows)", plan(w)));
    }
    for (int b : new int[] {1000, 8000, 32000}) {
      rows.add(row("buffer shuffle, " + b + " rows", bufferShuffle(b)));
    }
    rows.forEach(System.out::println);
    Order plan8 = plan(8);
    Order buffer8 = bufferShuffle(8000);
    assertThat(Math.abs(correlation(plan8.original()))).isLessThan(0.05);
    assertThat(sameShardShare(plan8.shard())).isLessThan(sameShardShare(buffer8.shard()));
    assertThat(sameShardShare(plan8.shard())).isLessThan(0.2);
  }
}
