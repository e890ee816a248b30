package io.minietl.cli;

import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Typed converters for picocli options ({@code @Option(converter = Converters.Size.class)}). Each
 * rejects a bad value with a {@link TypeConversionException} whose message is the accepted form
 * ("expected a size like 64MiB, ..."); {@link Cli} prefixes it with the flag or the environment
 * variable the value came from and the value itself.
 *
 * <p>{@link Cli} registers {@link WholeNumber}, {@link Number} and {@link Switch} for {@code int},
 * {@code long}, {@code double} and {@code boolean} options, so that those messages read the same.
 */
public final class Converters {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|KIB|MIB|GIB|K|M|G)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  static final String SIZE_FORM = "a size like 64MiB, 512KiB, 8MB or 1000000 (bytes)";
  static final String DURATION_FORM = "a duration like 500ms, 30s, 5m, 1h or PT30S";

  private Converters() {}

  /**
   * A positive number of bytes: digits and an optional unit, {@code B}, decimal {@code KB MB GB} or
   * binary {@code KiB MiB GiB} (also {@code K M G}), case-insensitive.
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new TypeConversionException("expected " + SIZE_FORM);
    }
    long factor =
        switch (m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT)) {
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "K", "KIB" -> 1L << 10;
          case "M", "MIB" -> 1L << 20;
          case "G", "GIB" -> 1L << 30;
          default -> 1L;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n < 1) {
        throw new TypeConversionException("expected a positive size, like 64MiB");
      }
      return Math.multiplyExact(n, factor);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new TypeConversionException("expected " + SIZE_FORM + ", at most 8 EiB");
    }
  }

  /**
   * A duration of zero or more: digits with {@code ms}, {@code s}, {@code m} or {@code h} (no unit:
   * seconds), or ISO-8601 ({@code PT30S}).
   */
  public static java.time.Duration parseDuration(String text) {
    String t = text.trim();
    Matcher m = DURATION.matcher(t);
    java.time.Duration d;
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected " + DURATION_FORM);
      }
      d =
          switch (m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofSeconds(n);
          };
    } else {
      try {
        d = java.time.Duration.parse(t);
      } catch (DateTimeParseException | ArithmeticException e) {
        throw new TypeConversionException("expected " + DURATION_FORM);
      }
    }
    if (d.isNegative()) {
      throw new TypeConversionException("expected " + DURATION_FORM + " (not negative)");
    }
    return d;
  }

  /** {@link #parseSize}: a positive number of bytes. */
  public static final class Size implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return parseSize(value);
    }
  }

  /** {@link #parseDuration}: zero or more. */
  public static final class Duration implements ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String value) {
      return parseDuration(value);
    }
  }

  /** {@link #parseDuration}, more than zero (an interval, a timeout). */
  public static final class PositiveDuration implements ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String value) {
      java.time.Duration d = parseDuration(value);
      if (d.isZero()) {
        throw new TypeConversionException("expected a duration above zero, like 500ms or 10s");
      }
      return d;
    }
  }

  /** A whole number that fits the option's type; {@code int} options are checked by range. */
  public static final class WholeNumber implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("expected a whole number");
      }
    }
  }

  /** A whole number of at least 1. */
  public static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      long n = new WholeNumber().convert(value);
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw new TypeConversionException("expected a whole number from 1 to " + Integer.MAX_VALUE);
      }
      return (int) n;
    }
  }

  /** A whole number of at least 1. */
  public static final class PositiveLong implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      long n = new WholeNumber().convert(value);
      if (n < 1) {
        throw new TypeConversionException("expected a whole number of at least 1");
      }
      return n;
    }
  }

  /** A finite decimal number. */
  public static final class Number implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      try {
        double d = Double.parseDouble(value.trim());
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // below
      }
      throw new TypeConversionException("expected a number like 0.5");
    }
  }

  /** A switch's value (from its environment variable): 1, true, yes or 0, false, no. */
  public static final class Switch implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "1", "true", "yes" -> true;
        case "0", "false", "no" -> false;
        default -> throw new TypeConversionException("expected 1, true or yes (or 0, false, no)");
      };
    }
  }
}
