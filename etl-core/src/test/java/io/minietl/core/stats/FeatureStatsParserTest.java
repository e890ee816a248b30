package io.minietl.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FeatureStatsParserTest {

  @Test
  void writesIntegersAsNumbersAndSumOfSquaresAsAString() {
    String json = FeatureStatsParser.toJson(FeatureStats.ofValues(2, 4, 4, 4, 5, 5, 7, 9));
    assertThat(json)
        .isEqualTo(
            "{\"count\":8,\"sum\":40,\"min\":2,\"max\":9,\"sum-of-squares\":\"232\","
                + "\"mean\":5.0,\"stddev\":2.0,\"histogram\":[0,0,1,6,1]}");
  }

  @Test
  void emptyStatisticsHaveNoMinMaxMeanOrStddev() {
    String json = FeatureStatsParser.toJson(FeatureStats.empty());
    assertThat(json).isEqualTo("{\"count\":0,\"sum\":0,\"sum-of-squares\":\"0\"}");
    assertThat(FeatureStatsParser.fromJson(json)).isSameAs(FeatureStats.empty());
  }

  @Test
  void extremeValuesRoundTrip() throws Exception {
    FeatureStatsAccumulator acc = new FeatureStatsAccumulator();
    for (int i = 0; i < 10; i++) {
      acc.add(Long.MAX_VALUE);
      acc.add(Long.MIN_VALUE);
    }
    FeatureStats s = acc.snapshot();
    String json = FeatureStatsParser.toJson(s);
    assertThat(FeatureStatsParser.fromJson(json)).isEqualTo(s);
    assertThat(new ObjectMapper().readTree(json).get("sum-of-squares").isTextual()).isTrue();
    assertThat(new ObjectMapper().readTree(json).get("min").longValue()).isEqualTo(Long.MIN_VALUE);
  }

  @Property
  void anyStatisticsRoundTrip(
      @ForAll @Size(max = 50) List<@LongRange(min = -(1L << 56), max = 1L << 56) Long> values) {
    FeatureStats s = FeatureStats.ofValues(values.stream().mapToLong(Long::longValue).toArray());
    assertThat(FeatureStatsParser.fromJson(FeatureStatsParser.toJson(s))).isEqualTo(s);
  }

  @Test
  void derivedMeanAndStddevAreIgnoredOnRead() {
    FeatureStats s =
        FeatureStatsParser.fromJson(
            "{\"count\":2,\"sum\":6,\"min\":1,\"max\":5,\"sum-of-squares\":\"26\","
                + "\"mean\":999.0,\"stddev\":-1,\"future-key\":[1,2]}");
    assertThat(s).isEqualTo(FeatureStats.ofValues(1, 5).withoutHistogram());
    assertThat(s.histogram()).as("written before histograms: not known").isEmpty();
    assertThat(s.mean()).isEqualTo(3.0);
  }

  @Test
  void missingOrMalformedFieldsAreClearErrors() {
    assertThatThrownBy(() -> FeatureStatsParser.fromJson("{\"sum\":1,\"sum-of-squares\":\"1\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid feature statistics: missing 'count'");
    assertThatThrownBy(
            () -> FeatureStatsParser.fromJson("{\"count\":1,\"sum\":1,\"sum-of-squares\":\"1\"}"))
        .hasMessage("Invalid feature statistics: missing 'min'");
    assertThatThrownBy(
            () ->
                FeatureStatsParser.fromJson(
                    "{\"count\":1.5,\"sum\":1,\"min\":1,\"max\":1,\"sum-of-squares\":\"1\"}"))
        .hasMessageContaining("'count' must be a 64-bit integer");
    assertThatThrownBy(
            () ->
                FeatureStatsParser.fromJson(
                    "{\"count\":1,\"sum\":1,\"min\":1,\"max\":1,\"sum-of-squares\":\"-1\"}"))
        .hasMessageContaining("'sum-of-squares' must be a decimal string");
    assertThatThrownBy(
            () ->
                FeatureStatsParser.fromJson(
                    "{\"count\":1,\"sum\":1,\"min\":1,\"max\":1,\"sum-of-squares\":\"2\"}"))
        .hasMessageStartingWith("Invalid statistics");
    assertThatThrownBy(() -> FeatureStatsParser.fromJson("[1]"))
        .hasMessageContaining("expected a JSON object");
    assertThatThrownBy(() -> FeatureStatsParser.fromJson("{"))
        .hasMessageStartingWith("Invalid feature statistics: not JSON");
  }

  @Test
  void aNumericSumOfSquaresIsToleratedOnRead() {
    assertThat(
            FeatureStatsParser.fromJson(
                "{\"count\":1,\"sum\":3,\"min\":3,\"max\":3,\"sum-of-squares\":9}"))
        .isEqualTo(FeatureStats.of(1, 3, 3, 3, BigInteger.valueOf(9)));
  }
}
