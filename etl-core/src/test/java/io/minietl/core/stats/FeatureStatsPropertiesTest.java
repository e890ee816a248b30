package io.minietl.core.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Algebraic properties of {@link FeatureStats} and {@link FeatureStatsAccumulator}. */
class FeatureStatsPropertiesTest {

  /**
   * Values whose sums cannot overflow in lists of up to 200: mixes small, word-count-like, and wide
   * values.
   */
  @Provide
  Arbitrary<Long> values() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, 5_000),
        Arbitraries.longs().between(-1_000_000, 1_000_000),
        Arbitraries.longs().between(-(1L << 54), 1L << 54),
        Arbitraries.of(0L, 1L, -1L, (1L << 53) + 1, -(1L << 54)));
  }

  @Provide
  Arbitrary<FeatureStats> stats() {
    return values().list().ofMaxSize(50).map(FeatureStatsPropertiesTest::of);
  }

  @Provide
  Arbitrary<List<List<Long>>> partitions() {
    // Parts may be empty: an idle worker contributes empty statistics.
    return values().list().ofMaxSize(30).list().ofMaxSize(8);
  }

  @Provide
  Arbitrary<List<Long>> valueLists() {
    return values().list().ofMaxSize(20);
  }

  @Provide
  Arbitrary<List<Long>> nonEmptyValueLists() {
    return values().list().ofMinSize(1).ofMaxSize(100);
  }

  @Provide
  Arbitrary<List<Long>> anyLongLists() {
    return anyLongs().list().ofMaxSize(40);
  }

  static FeatureStats of(List<Long> values) {
    return FeatureStats.ofValues(values.stream().mapToLong(Long::longValue).toArray());
  }

  @Property
  void plusIsAssociative(
      @ForAll("stats") FeatureStats a,
      @ForAll("stats") FeatureStats b,
      @ForAll("stats") FeatureStats c) {
    assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
  }

  @Property
  void plusIsCommutative(@ForAll("stats") FeatureStats a, @ForAll("stats") FeatureStats b) {
    assertThat(a.plus(b)).isEqualTo(b.plus(a));
    assertThat(a.plus(b).hashCode()).isEqualTo(b.plus(a).hashCode());
  }

  @Property
  void emptyIsTheIdentity(@ForAll("stats") FeatureStats a) {
    assertThat(a.plus(FeatureStats.empty())).isEqualTo(a);
    assertThat(FeatureStats.empty().plus(a)).isEqualTo(a);
  }

  @Property
  void mergingThePartsOfAnyPartitionEqualsTheWhole(
      @ForAll("partitions") List<List<Long>> parts, @ForAll long seed) {
    List<Long> all = new ArrayList<>();
    FeatureStats merged = FeatureStats.empty();
    for (List<Long> part : parts) {
      all.addAll(part);
      merged = merged.plus(of(part));
    }
    assertThat(merged).isEqualTo(of(all));
    // And in another order, as Flink subtasks would report.
    List<List<Long>> shuffled = new ArrayList<>(parts);
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    FeatureStats reordered = FeatureStats.empty();
    for (List<Long> part : shuffled) {
      reordered = of(part).plus(reordered);
    }
    assertThat(reordered).isEqualTo(merged);
  }

  @Property
  void addingValuesOrAddingTheirStatisticsIsTheSame(@ForAll("partitions") List<List<Long>> parts) {
    FeatureStatsAccumulator oneByOne = new FeatureStatsAccumulator();
    FeatureStatsAccumulator byParts = new FeatureStatsAccumulator();
    for (List<Long> part : parts) {
      part.forEach(oneByOne::add);
      byParts.addAll(of(part));
    }
    assertThat(byParts.snapshot()).isEqualTo(oneByOne.snapshot());
    assertThat(byParts.count()).isEqualTo(oneByOne.count());
  }

  @Property
  void snapshotsAreIndependentOfLaterAdds(
      @ForAll("valueLists") List<Long> first, @ForAll("values") long more) {
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    first.forEach(acc::add);
    FeatureStats before = acc.snapshot();
    acc.add(more);
    assertThat(before).isEqualTo(of(first));
    acc.reset();
    assertThat(acc.snapshot()).isEqualTo(FeatureStats.empty());
  }

  @Property
  void meanAndVarianceMatchABigDecimalReference(@ForAll("nonEmptyValueLists") List<Long> values) {
    FeatureStats s = of(values);
    MathContext mc = new MathContext(60);
    BigDecimal n = BigDecimal.valueOf(values.size());
    BigDecimal sum = BigDecimal.ZERO;
    for (long v : values) {
      sum = sum.add(BigDecimal.valueOf(v));
    }
    BigDecimal mean = sum.divide(n, mc);
    BigDecimal squaredDeviations = BigDecimal.ZERO;
    for (long v : values) {
      BigDecimal d = BigDecimal.valueOf(v).subtract(mean);
      squaredDeviations = squaredDeviations.add(d.multiply(d));
    }
    BigDecimal variance = squaredDeviations.divide(n, mc);

    assertThat(s.count()).isEqualTo(values.size());
    assertThat(s.sum()).isEqualTo(sum.longValueExact());
    assertThat(s.min()).isEqualTo(values.stream().mapToLong(Long::longValue).min().getAsLong());
    assertThat(s.max()).isEqualTo(values.stream().mapToLong(Long::longValue).max().getAsLong());
    assertThat(s.mean()).isEqualTo(mean.doubleValue());
    // Exact numerator, 34-digit division, one rounding to double: within one ulp of the truth.
    assertThat(s.variance())
        .isCloseTo(variance.doubleValue(), org.assertj.core.data.Offset.offset(ulp(variance)));
    assertThat(s.variance()).isGreaterThanOrEqualTo(0.0);
  }

  private static double ulp(BigDecimal value) {
    return Math.max(Math.ulp(value.doubleValue()), Double.MIN_VALUE);
  }

  @Property
  void sumOfSquaresIsExactForAnyValues(@ForAll("anyLongLists") List<Long> values) {
    // Values over the whole long range: the sum may overflow (then both paths throw), the sum of
    // squares goes through every carry path of the 128-bit accumulator.
    BigInteger expected = BigInteger.ZERO;
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    boolean overflowed = false;
    for (long v : values) {
      try {
        acc.add(v);
        expected = expected.add(BigInteger.valueOf(v).pow(2));
      } catch (ArithmeticException e) {
        overflowed = true;
      }
    }
    assertThat(acc.snapshot().sumOfSquares()).isEqualTo(expected);
    if (!overflowed) {
      assertThat(acc.snapshot()).isEqualTo(of(values));
    }
  }

  @Provide
  Arbitrary<Long> anyLongs() {
    return Arbitraries.oneOf(
        Arbitraries.longs(),
        Arbitraries.of(
            Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 3037000499L, 3037000500L),
        Combinators.combine(Arbitraries.integers().between(31, 62), Arbitraries.of(-1L, 1L))
            .as((bits, sign) -> sign * (1L << bits)));
  }
}
