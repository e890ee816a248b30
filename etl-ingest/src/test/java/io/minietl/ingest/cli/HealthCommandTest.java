package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.ingest.metrics.MetricsServer;
import io.minietl.ingest.metrics.RunMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code health} against a real endpoint: exit 0 when healthy, 1 when not or when none answers. */
class HealthCommandTest {
  @Test
  void exits0WhenHealthy1WhenUnhealthyOrGone2WithoutAPort() {
    RunMetrics metrics = RunMetrics.create();
    int port;
    try (MetricsServer server =
        MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metrics)) {
      port = server.port();
      Cli.Result ok = Cli.run(List.of("health", "--metrics-port", "" + port), Map.of());
      assertThat(ok.code()).as(ok.err()).isZero();
      assertThat(ok.out())
          .isEqualTo("{\"status\":\"ok\",\"manifest_version\":-1,\"problems\":[]}\n");

      // The variable, and a bind address of every interface: asked over loopback.
      metrics.commitFailed(new IllegalStateException("no disk"));
      Cli.Result bad =
          Cli.run(
              List.of("health"),
              Map.of("MINIETL_METRICS_PORT", "" + port, "MINIETL_METRICS_BIND", "0.0.0.0"));
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.errLines()).hasSize(1);
      assertThat(bad.errLines().get(0))
          .startsWith("etl-ingest: unhealthy (503): {\"status\":\"unhealthy\"")
          .contains("IllegalStateException no disk");
    }
    Cli.Result gone = Cli.run(List.of("health", "--metrics-port", "" + port), Map.of());
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.errLines().get(0))
        .startsWith("etl-ingest: unhealthy: no answer from http://127.0.0.1:" + port + "/health");

    Cli.Result missing = Cli.run(List.of("health"), Map.of());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.errLines().get(0))
        .contains("Missing --metrics-port (or MINIETL_METRICS_PORT)");
    assertThat(Cli.run(List.of("health", "--metrics-port", "70000"), Map.of()).errLines().get(0))
        .startsWith("etl-ingest: Invalid --metrics-port '70000': expected a port from 0 to 65535");
  }
}
