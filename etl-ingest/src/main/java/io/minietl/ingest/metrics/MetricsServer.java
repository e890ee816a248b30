package io.minietl.ingest.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server (the JDK's) for a {@link RunMetrics}: {@code GET /metrics} is the Prometheus
 * text, {@code GET /health} the {@link Health} JSON with 200 or 503; anything else is 404 (405 for
 * other methods). One daemon thread answers; a scrape reads the metrics as they are, it never waits
 * for the runner. Close it to free the port.
 */
public final class MetricsServer implements AutoCloseable {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Listens on {@code address} (port 0: a free port, see {@link #port()}) and serves {@code
   * metrics}.
   *
   * @throws UncheckedIOException if the address cannot be bound (in use, not local)
   */
  public static MetricsServer start(InetSocketAddress address, RunMetrics metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on " + address + ": " + e.getMessage(), e);
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            });
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            answer(exchange, metrics);
          }
        });
    server.setExecutor(executor);
    server.start();
    return new MetricsServer(server, executor);
  }

  private static void answer(HttpExchange exchange, RunMetrics metrics) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      send(exchange, 405, "text/plain; charset=utf-8", "Only GET and HEAD\n");
      return;
    }
    switch (exchange.getRequestURI().getPath()) {
      case "/metrics" -> send(exchange, 200, PROMETHEUS_TEXT, metrics.scrape());
      case "/health" -> {
        Health h = metrics.health();
        send(exchange, h.httpStatus(), "application/json", h.json() + "\n");
      }
      default -> send(exchange, 404, "text/plain; charset=utf-8", "Try /metrics or /health\n");
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The port listened on (the chosen one when started with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The address listened on. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Stops answering and frees the port; answers in flight get up to one second. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
  }
}
