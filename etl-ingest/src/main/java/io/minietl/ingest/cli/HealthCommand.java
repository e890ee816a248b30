package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code health}: asks a running {@code run}'s {@code /health} and exits 0 when it answers 200, 1
 * otherwise (503, no answer). For container health checks, where the image has no HTTP client.
 */
@Command(
    name = "health",
    description = {
      "Ask the /health endpoint of a run started with --metrics-port: print its answer, exit 0"
          + " when healthy, 1 when not (or when nothing answers)."
    })
final class HealthCommand implements Callable<Integer> {
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final CommandContext context;

  @Mixin MetricsOptions metrics;

  HealthCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (metrics.port == null || metrics.port == 0) {
      throw new UsageException(
          "Missing --metrics-port (or MINIETL_METRICS_PORT): the port run serves /health on");
    }
    String host = metrics.bind;
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "127.0.0.1"; // listening on every address: ask over loopback
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    URI uri = URI.create("http://" + host + ":" + metrics.port + "/health");
    HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpResponse<String> response;
    try {
      response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      context.err().println("etl-ingest: unhealthy: no answer from " + uri + " (" + e + ")");
      return ExitCode.FAILED.code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCode.FAILED.code();
    }
    String body = response.body().strip();
    if (response.statusCode() == 200) {
      context.out().println(body);
      return ExitCode.OK.code();
    }
    context.err().println("etl-ingest: unhealthy (" + response.statusCode() + "): " + body);
    return ExitCode.FAILED.code();
  }
}
