package io.minietl.ingest.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsed command-line arguments: a command and option values, each from its flag, else its
 * environment variable, else its default. Typed getters fail with a {@link UsageException} naming
 * the option and the bad value.
 */
final class CliArguments {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|KIB|MIB|GIB|K|M|G)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);

  private final String command;
  private final Map<CliOption, String> values;

  private CliArguments(String command, Map<CliOption, String> values) {
    this.command = command;
    this.values = values;
  }

  static CliArguments parse(List<String> args, Map<String, String> env) {
    if (args.isEmpty()) {
      throw new UsageException("Missing command: use run, stats or gc (see --help)");
    }
    String command = args.get(0);
    Map<CliOption, String> values = new EnumMap<>(CliOption.class);
    for (CliOption o : CliOption.values()) {
      String fromEnv = o.env() == null ? null : env.get(o.env());
      if (fromEnv != null && !fromEnv.isBlank()) {
        values.put(o, fromEnv.trim());
      } else if (o.defaultValue() != null) {
        values.put(o, o.defaultValue());
      }
    }
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      CliOption o = CliOption.byFlag(flag);
      if (o == null) {
        throw new UsageException("Unknown option: " + arg + " (see --help)");
      }
      if (o.isSwitch()) {
        values.put(o, "true");
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new UsageException("Option " + flag + " needs a value");
        }
        value = args.get(++i);
      }
      values.put(o, value);
    }
    return new CliArguments(command, values);
  }

  String command() {
    return command;
  }

  String string(CliOption o) {
    return values.get(o);
  }

  String required(CliOption o) {
    String v = values.get(o);
    if (v == null || v.isBlank()) {
      throw new UsageException(
          "Missing " + o.flag() + (o.env() == null ? "" : " (or " + o.env() + ")"));
    }
    return v;
  }

  boolean isSet(CliOption o) {
    return "true".equalsIgnoreCase(values.get(o));
  }

  long size(CliOption o) {
    String v = required(o);
    Matcher m = SIZE.matcher(v.trim());
    if (!m.matches()) {
      throw invalid(o, v, "a size like 64MiB, 512KiB or 1000000");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    long factor;
    switch (unit) {
      case "KB":
        factor = 1_000;
        break;
      case "MB":
        factor = 1_000_000;
        break;
      case "GB":
        factor = 1_000_000_000;
        break;
      case "K":
      case "KIB":
        factor = 1L << 10;
        break;
      case "M":
      case "MIB":
        factor = 1L << 20;
        break;
      case "G":
      case "GIB":
        factor = 1L << 30;
        break;
      default:
        factor = 1;
    }
    if (n < 1) {
      throw invalid(o, v, "a positive size");
    }
    return Math.multiplyExact(n, factor);
  }

  long positiveLong(CliOption o) {
    String v = required(o);
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1) {
        throw invalid(o, v, "a positive whole number");
      }
      return n;
    } catch (NumberFormatException e) {
      throw invalid(o, v, "a positive whole number");
    }
  }

  Duration duration(CliOption o) {
    String v = required(o);
    Matcher m = DURATION.matcher(v.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
      switch (unit) {
        case "ms":
          return Duration.ofMillis(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        default:
          return Duration.ofSeconds(n);
      }
    }
    try {
      return Duration.parse(v.trim());
    } catch (DateTimeParseException e) {
      throw invalid(o, v, "a duration like 500ms, 30s, 5m, 1h or PT30S");
    }
  }

  Instant instant(CliOption o, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(o, text, "an ISO-8601 instant like 2026-11-28T10:00:00Z");
    }
  }

  static UsageException invalid(CliOption o, String value, String expected) {
    return new UsageException("Invalid " + o.flag() + " '" + value + "': expected " + expected);
  }
}
