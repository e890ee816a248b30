package io.minietl.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The power-of-two histogram kept in {@link FeatureStats}, against hand-computed buckets. */
class HistogramTest {
  @Test
  void bucketsArePowersOfTwo() {
    assertThat(Histogram.bucket(-5)).isZero();
    assertThat(Histogram.bucket(0)).isZero();
    assertThat(Histogram.bucket(1)).isEqualTo(1);
    assertThat(Histogram.bucket(2)).isEqualTo(2);
    assertThat(Histogram.bucket(3)).isEqualTo(2);
    assertThat(Histogram.bucket(4)).isEqualTo(3);
    assertThat(Histogram.bucket(7)).isEqualTo(3);
    assertThat(Histogram.bucket(8)).isEqualTo(4);
    assertThat(Histogram.bucket(1023)).isEqualTo(10);
    assertThat(Histogram.bucket(1024)).isEqualTo(11);
    assertThat(Histogram.bucket(Long.MAX_VALUE)).isEqualTo(63);
    assertThat(Histogram.lowerBound(11)).isEqualTo(1024);
    assertThat(Histogram.upperBound(11)).isEqualTo(2047);
    assertThat(Histogram.upperBound(63)).isEqualTo(Long.MAX_VALUE);
    assertThat(Histogram.lowerBound(0)).isZero();
    assertThat(Histogram.upperBound(1)).isEqualTo(1);
  }

  @Test
  void statisticsCountTheirValuesPerBucketExactlyAndMergeBucketByBucket() {
    // 0 | 1 | 2 3 | 4..7 | 8..15 | 16..31 | ... | 512..1023
    FeatureStats a = FeatureStats.ofValues(0, 1, 3, 3, 2, 700);
    FeatureStats b = FeatureStats.ofValues(5, 15, 8, 1);
    assertThat(a.histogram()).contains(Histogram.of(1, 1, 3, 0, 0, 0, 0, 0, 0, 0, 1));
    assertThat(b.histogram()).contains(Histogram.of(0, 1, 0, 1, 2));
    FeatureStats ab = a.plus(b);
    assertThat(ab.histogram()).contains(Histogram.of(1, 2, 3, 1, 2, 0, 0, 0, 0, 0, 1));
    assertThat(ab.histogram().orElseThrow().total()).isEqualTo(10);
    assertThat(ab).isEqualTo(FeatureStats.ofValues(0, 1, 3, 3, 2, 700, 5, 15, 8, 1));
    assertThat(b.plus(a)).isEqualTo(ab);
    assertThat(ab.plus(FeatureStats.empty())).isEqualTo(ab);

    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    acc.addAll(a);
    acc.add(5);
    acc.add(15);
    acc.addAll(FeatureStats.ofValues(8, 1));
    assertThat(acc.snapshot()).isEqualTo(ab);
  }

  @Test
  void statisticsWithoutAHistogramMakeTheMergeHaveNone() {
    FeatureStats old = FeatureStats.of(2, 6, 1, 5, BigInteger.valueOf(26)); // from an old manifest
    assertThat(old.histogram()).isEmpty();
    assertThat(old.plus(FeatureStats.ofValues(4)).histogram()).isEmpty();
    assertThat(FeatureStats.ofValues(4).plus(old).histogram()).isEmpty();
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    acc.add(3);
    acc.addAll(old);
    assertThat(acc.snapshot().histogram()).isEmpty();
    acc.reset();
    acc.add(3);
    assertThat(acc.snapshot().histogram()).contains(Histogram.of(0, 0, 1));
    assertThat(FeatureStats.empty().histogram()).contains(Histogram.empty());
    assertThat(FeatureStats.ofValues(1, 5).withoutHistogram())
        .isEqualTo(old)
        .isNotEqualTo(FeatureStats.ofValues(1, 5));
  }

  @Test
  void aHistogramThatDoesNotFitTheStatisticsIsRejected() {
    BigInteger sos = BigInteger.valueOf(26);
    assertThat(FeatureStats.of(2, 6, 1, 5, sos, Histogram.of(0, 1, 0, 1)))
        .isEqualTo(FeatureStats.ofValues(1, 5));
    assertThatThrownBy(() -> FeatureStats.of(2, 6, 1, 5, sos, Histogram.of(0, 1, 0, 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid statistics: histogram");
    assertThatThrownBy(() -> FeatureStats.of(2, 6, 1, 5, sos, Histogram.of(0, 0, 1, 1)))
        .hasMessageStartingWith("Invalid statistics: histogram");
    assertThatThrownBy(() -> Histogram.of(1, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Histogram.of(new long[65]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                FeatureStatsParser.fromJson(
                    "{\"count\":2,\"sum\":6,\"min\":1,\"max\":5,\"sum-of-squares\":\"26\","
                        + "\"histogram\":[0,1,\"x\"]}"))
        .hasMessageContaining("'histogram' must hold counts");
  }

  @Test
  void theHistogramRoundTripsThroughTheManifestsJson() {
    FeatureStats s = FeatureStats.ofValues(0, 1, 3, 3, 2, 700);
    String json = FeatureStatsParser.toJson(s);
    assertThat(json).endsWith(",\"histogram\":[1,1,3,0,0,0,0,0,0,0,1]}");
    assertThat(FeatureStatsParser.fromJson(json)).isEqualTo(s);
  }
}
