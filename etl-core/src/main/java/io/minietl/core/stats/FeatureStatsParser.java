package io.minietl.core.stats;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;

/**
 * Reads and writes {@link FeatureStats} as JSON, the form the manifest stores them in.
 *
 * <pre>{@code
 * {"count":3,"sum":42,"min":7,"max":20,"sum-of-squares":"690","mean":14.0,"stddev":5.35}
 * }</pre>
 *
 * <p>With its histogram known, the object also has {@code "histogram":[c0,c1,...]}: the counts of
 * the power-of-two buckets of {@link Histogram}, bucket 0 first, up to the last non-empty one (an
 * optional key: readers of older versions ignore it; without it, non-empty statistics have no known
 * histogram).
 *
 * <p>{@code count}, {@code sum}, {@code min} and {@code max} are JSON integers; {@code
 * sum-of-squares} is a decimal string because it can exceed 64 bits (and JSON readers in other
 * languages lose precision above 2^53). {@code mean} and {@code stddev} are written for humans and
 * ignored on read: the stored integers are the truth. Empty statistics are {@code
 * {"count":0,"sum":0,"sum-of-squares":"0"}} (no min, max, mean or stddev). Unknown keys are
 * ignored. Thread-safe.
 */
public final class FeatureStatsParser {
  public static final String COUNT = "count";
  public static final String SUM = "sum";
  public static final String MIN = "min";
  public static final String MAX = "max";
  public static final String SUM_OF_SQUARES = "sum-of-squares";
  public static final String MEAN = "mean";
  public static final String STDDEV = "stddev";
  public static final String HISTOGRAM = "histogram";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FeatureStatsParser() {}

  /** The JSON object of {@code stats}, compact, keys in a fixed order. */
  public static String toJson(FeatureStats stats) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
      toJson(stats, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes the JSON object of {@code stats} as the next value of {@code gen}. */
  public static void toJson(FeatureStats stats, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    gen.writeNumberField(COUNT, stats.count());
    gen.writeNumberField(SUM, stats.sum());
    if (!stats.isEmpty()) {
      gen.writeNumberField(MIN, stats.min());
      gen.writeNumberField(MAX, stats.max());
    }
    gen.writeStringField(SUM_OF_SQUARES, stats.sumOfSquares().toString());
    if (!stats.isEmpty()) {
      gen.writeNumberField(MEAN, stats.mean());
      gen.writeNumberField(STDDEV, stats.stddev());
      if (stats.histogram().isPresent()) {
        gen.writeArrayFieldStart(HISTOGRAM);
        for (long c : stats.histogram().get().counts()) {
          gen.writeNumber(c);
        }
        gen.writeEndArray();
      }
    }
    gen.writeEndObject();
  }

  /**
   * Parses statistics from JSON text.
   *
   * @throws IllegalArgumentException if the text is not a valid statistics object
   */
  public static FeatureStats fromJson(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid feature statistics: not JSON: " + e, e);
    }
    return fromJson(node);
  }

  /**
   * Parses statistics from a JSON tree.
   *
   * @throws IllegalArgumentException if a required key is missing, has the wrong type, or the
   *     quantities are inconsistent
   */
  public static FeatureStats fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "Invalid feature statistics: expected a JSON object, got " + node);
    }
    long count = longField(node, COUNT);
    long sum = longField(node, SUM);
    BigInteger sumOfSquares = bigIntegerField(node, SUM_OF_SQUARES);
    if (count == 0) {
      return FeatureStats.of(0, sum, 0, 0, sumOfSquares);
    }
    return FeatureStats.of(
        count, sum, longField(node, MIN), longField(node, MAX), sumOfSquares, histogram(node));
  }

  private static Histogram histogram(JsonNode node) {
    JsonNode value = node.get(HISTOGRAM);
    if (value == null || value.isNull()) {
      return null; // written before histograms: not known
    }
    if (!value.isArray() || value.size() > Histogram.BUCKETS) {
      throw new IllegalArgumentException(
          "Invalid feature statistics: '"
              + HISTOGRAM
              + "' must be an array of at most "
              + Histogram.BUCKETS
              + " counts, got "
              + value);
    }
    long[] counts = new long[value.size()];
    for (int k = 0; k < counts.length; k++) {
      JsonNode c = value.get(k);
      if (!c.isIntegralNumber() || !c.canConvertToLong() || c.longValue() < 0) {
        throw new IllegalArgumentException(
            "Invalid feature statistics: '" + HISTOGRAM + "' must hold counts, got " + value);
      }
      counts[k] = c.longValue();
    }
    return Histogram.of(counts);
  }

  private static long longField(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("Invalid feature statistics: missing '" + key + "'");
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException(
          "Invalid feature statistics: '" + key + "' must be a 64-bit integer, got " + value);
    }
    return value.longValue();
  }

  private static BigInteger bigIntegerField(JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("Invalid feature statistics: missing '" + key + "'");
    }
    if (value.isTextual() && value.textValue().matches("[0-9]{1,200}")) {
      return new BigInteger(value.textValue());
    }
    if (value.isIntegralNumber()) {
      // Tolerated on read (a hand-written file), never written.
      return value.bigIntegerValue();
    }
    throw new IllegalArgumentException(
        "Invalid feature statistics: '" + key + "' must be a decimal string, got " + value);
  }
}
