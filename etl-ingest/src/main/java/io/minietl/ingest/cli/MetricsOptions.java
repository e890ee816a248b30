package io.minietl.ingest.cli;

import io.minietl.cli.Env;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --metrics-port} and {@code --metrics-bind}: where {@code run} serves, {@code health} asks.
 */
final class MetricsOptions {
  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      converter = Port.class,
      description =
          "Serve /metrics (Prometheus text) and /health on this port (0: a free one, logged)."
              + " Unset: no endpoint. health: the port to ask.")
  @Env("MINIETL_METRICS_PORT")
  Integer port;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address the metrics endpoint listens on (0.0.0.0 in a container); health asks it"
              + " (127.0.0.1 for 0.0.0.0).")
  @Env("MINIETL_METRICS_BIND")
  String bind;

  /** A TCP port: 0 to 65535. */
  static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int p;
      try {
        p = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        p = -1;
      }
      if (p < 0 || p > 65535) {
        throw new TypeConversionException("expected a port from 0 to 65535 (0: a free one)");
      }
      return p;
    }
  }
}
