package io.minietl.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class FeatureStatsTest {

  private static final BigInteger MIN_SQUARED = BigInteger.valueOf(Long.MIN_VALUE).pow(2);
  private static final BigInteger MAX_SQUARED = BigInteger.valueOf(Long.MAX_VALUE).pow(2);

  @Test
  void emptyStatisticsHaveNoMinMaxAndNaNMoments() {
    FeatureStats e = FeatureStats.empty();
    assertThat(e.isEmpty()).isTrue();
    assertThat(e.count()).isZero();
    assertThat(e.mean()).isNaN();
    assertThat(e.variance()).isNaN();
    assertThat(e.stddev()).isNaN();
    assertThatThrownBy(e::min)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("min");
    assertThatThrownBy(e::max).isInstanceOf(IllegalStateException.class);
    assertThat(new FeatureStatsAccumulator().snapshot()).isSameAs(FeatureStats.empty());
    assertThat(FeatureStats.ofValues()).isEqualTo(e);
  }

  @Test
  void knownValuesGiveKnownMoments() {
    FeatureStats s = FeatureStats.ofValues(2, 4, 4, 4, 5, 5, 7, 9);
    assertThat(s.count()).isEqualTo(8);
    assertThat(s.sum()).isEqualTo(40);
    assertThat(s.min()).isEqualTo(2);
    assertThat(s.max()).isEqualTo(9);
    assertThat(s.mean()).isEqualTo(5.0);
    assertThat(s.variance()).isEqualTo(4.0);
    assertThat(s.stddev()).isEqualTo(2.0);
    assertThat(s.sumOfSquares()).isEqualTo(BigInteger.valueOf(232));
  }

  @Test
  void extremeValuesAreHeldExactly() {
    FeatureStats s = FeatureStats.ofValues(Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(s.sum()).isEqualTo(-1);
    assertThat(s.min()).isEqualTo(Long.MIN_VALUE);
    assertThat(s.max()).isEqualTo(Long.MAX_VALUE);
    assertThat(s.sumOfSquares()).isEqualTo(MIN_SQUARED.add(MAX_SQUARED));
    assertThat(s.mean()).isEqualTo(-0.5);
    // ((2^63 - 1) - (-2^63))^2 / 4 = (2^64 - 1)^2 / 4
    assertThat(s.variance()).isEqualTo(Math.pow(2, 126));
  }

  @Test
  void sumOverflowThrowsAndLeavesTheAccumulatorUnchanged() {
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    acc.add(Long.MAX_VALUE);
    assertThatThrownBy(() -> acc.add(1)).isInstanceOf(ArithmeticException.class);
    assertThat(acc.snapshot()).isEqualTo(FeatureStats.ofValues(Long.MAX_VALUE));

    FeatureStatsAccumulator low = new FeatureStatsAccumulator();
    low.add(Long.MIN_VALUE);
    assertThatThrownBy(() -> low.add(-1)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> low.addAll(FeatureStats.ofValues(-5)))
        .isInstanceOf(ArithmeticException.class);
    assertThat(low.snapshot()).isEqualTo(FeatureStats.ofValues(Long.MIN_VALUE));

    FeatureStats big = FeatureStats.ofValues(Long.MAX_VALUE);
    assertThatThrownBy(() -> big.plus(FeatureStats.ofValues(1)))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void sumOfSquaresCarriesAcrossTheLowWord() {
    // 2^32 squared is 2^64: exactly one carry into the high word per add.
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    long v = 1L << 32;
    for (int i = 0; i < 5; i++) {
      acc.add(v);
    }
    assertThat(acc.snapshot().sumOfSquares())
        .isEqualTo(BigInteger.ONE.shiftLeft(64).multiply(BigInteger.valueOf(5)));
    // (2^32 - 1)^2 = 2^64 - 2^33 + 1: the low words wrap on the second add.
    FeatureStatsAccumulator wrap = new FeatureStatsAccumulator();
    long w = (1L << 32) - 1;
    wrap.add(w);
    wrap.add(w);
    wrap.add(w);
    assertThat(wrap.snapshot().sumOfSquares())
        .isEqualTo(BigInteger.valueOf(w).pow(2).multiply(BigInteger.valueOf(3)));
  }

  @Test
  void sumOfSquaresBeyond128BitsIsExact() {
    // Each square of Long.MIN_VALUE is 2^126: four of them exceed 2^127, many exceed 2^128.
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    int n = 1000;
    for (int i = 0; i < n; i++) {
      acc.add(i % 2 == 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
    }
    BigInteger expected = MIN_SQUARED.add(MAX_SQUARED).multiply(BigInteger.valueOf(n / 2));
    assertThat(acc.snapshot().sumOfSquares()).isEqualTo(expected);
    assertThat(expected.bitLength()).isGreaterThan(128);
    // And merged via addAll on top of the 128-bit words.
    acc.addAll(FeatureStats.ofValues(Long.MAX_VALUE, Long.MIN_VALUE));
    acc.add(3);
    assertThat(acc.snapshot().sumOfSquares())
        .isEqualTo(expected.add(MIN_SQUARED).add(MAX_SQUARED).add(BigInteger.valueOf(9)));
    assertThat(acc.snapshot().sum()).isEqualTo(-(n / 2) - 1 + 3);
  }

  @Test
  void meanIsCorrectlyRoundedForHugeSums() {
    // sum = 2^62 + 1 is not a double; (double) sum / count would round twice.
    FeatureStats s =
        FeatureStats.of(
            3, (1L << 62) + 1, 1, 1L << 62, BigInteger.ONE.shiftLeft(124).add(BigInteger.ONE));
    assertThat(s.mean())
        .isEqualTo(
            new java.math.BigDecimal((1L << 62) + 1)
                .divide(java.math.BigDecimal.valueOf(3), java.math.MathContext.DECIMAL128)
                .doubleValue());
  }

  @Test
  void ofRejectsInconsistentQuantities() {
    assertThatThrownBy(() -> FeatureStats.of(-1, 0, 0, 0, BigInteger.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid statistics");
    assertThatThrownBy(() -> FeatureStats.of(0, 5, 0, 0, BigInteger.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeatureStats.of(2, 10, 7, 3, BigInteger.valueOf(58)))
        .isInstanceOf(IllegalArgumentException.class);
    // sum outside [count·min, count·max]
    assertThatThrownBy(() -> FeatureStats.of(2, 100, 1, 5, BigInteger.valueOf(26)))
        .isInstanceOf(IllegalArgumentException.class);
    // sum of squares below sum²/count
    assertThatThrownBy(() -> FeatureStats.of(2, 6, 1, 5, BigInteger.valueOf(17)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(FeatureStats.of(2, 6, 1, 5, BigInteger.valueOf(26)))
        .isEqualTo(FeatureStats.ofValues(1, 5).withoutHistogram());
    assertThat(FeatureStats.of(0, 0, 99, -99, BigInteger.ZERO)).isSameAs(FeatureStats.empty());
  }
}
