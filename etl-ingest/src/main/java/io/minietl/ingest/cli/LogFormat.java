package io.minietl.ingest.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How {@code run} writes its lines and the libraries' log: {@code plain} (progress lines as text on
 * standard output, library warnings as text on standard error) or {@code json} (one JSON object a
 * line on the same streams, for log shippers: see {@link JsonLog}).
 */
enum LogFormat {
  PLAIN,
  JSON;

  /** plain or json, any case. */
  static final class Converter implements ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      try {
        return LogFormat.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected plain or json");
      }
    }
  }
}
