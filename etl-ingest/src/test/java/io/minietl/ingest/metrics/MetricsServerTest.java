package io.minietl.ingest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The endpoint on loopback: paths, status codes, content types. */
class MetricsServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void servesMetricsAndHealthOnAFreeLoopbackPort() throws Exception {
    RunMetrics metrics = RunMetrics.create();
    metrics.recordsRead(7, 6);
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics)) {
      assertThat(server.port()).isPositive();
      assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
      String base = "http://127.0.0.1:" + server.port();

      HttpResponse<String> scrape = get(base + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(scrape.body().lines()).contains("minietl_records_read_total 7.0");

      HttpResponse<String> health = get(base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).startsWith("{\"status\":\"ok\"");

      metrics.stopped(new IllegalStateException("boom"));
      HttpResponse<String> down = get(base + "/health");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(down.body()).contains("the processing loop stopped: IllegalStateException boom");

      assertThat(get(base + "/other").statusCode()).isEqualTo(404);
      HttpResponse<String> post =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  private static HttpResponse<String> get(String uri) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(uri)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
