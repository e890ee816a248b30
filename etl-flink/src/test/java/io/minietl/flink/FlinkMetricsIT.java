package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.metrics.MetricNames;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The Flink job reports the runner's metric names ({@link MetricNames}) through Flink's metric
 * system: records read, rows written and error records by reason summed over the writer subtasks,
 * and the committer's commits and manifest version, equal to what the dataset holds.
 */
@LocalStack(kinesis = KinesisFlavor.KINESALITE)
class FlinkMetricsIT {
  @TempDir Path temp;

  @Test
  void theJobCountsWithTheRunnersNames(Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    String stream = kinesis.createStream(2);
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      entries.add(
          KinesisEmulator.entry("k" + i, "{\"article_id\":\"a" + i + "\",\"content\":\"a b\"}"));
    }
    for (int i = 0; i < 3; i++) {
      entries.add(KinesisEmulator.entry("bad" + i, "not json " + i));
    }
    entries.add(KinesisEmulator.entry("nocontent", "{\"article_id\":\"x\"}"));
    kinesis.putRecords(stream, entries);
    URI dataset = URI.create("s3://" + emulators.s3().createBucket() + "/articles");
    CollectingReporter.METRICS.clear();

    Configuration conf = LocalFlink.configuration();
    conf.setString("restart-strategy.type", "none");
    conf.setString(
        "metrics.reporter.collect.factory.class", CollectingReporter.Factory.class.getName());
    StreamExecutionEnvironment env = LocalFlink.environment(2, conf);
    env.enableCheckpointing(500);
    EtlFlinkJob.addTo(
        env,
        JobConnections.of(stream, dataset, emulators.environment(KinesisFlavor.KINESALITE), null),
        FlinkJobOptions.builder()
            .tempDir(temp.toString())
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(100))
            .shardDiscoveryInterval(Duration.ofMillis(500))
            .stopWhenIdle(Duration.ofSeconds(1))
            .writerId("flink-metrics-it")
            .build());
    env.execute("etl-flink metrics test");

    DatasetState latest =
        new ManifestLog(S3ObjectStore.create(emulators.s3().client(), dataset)).load();
    assertThat(latest.totalRows()).isEqualTo(50);
    assertThat(sum(MetricNames.RECORDS_READ, null)).isEqualTo(54);
    assertThat(sum(MetricNames.ROWS_WRITTEN, null)).isEqualTo(50);
    assertThat(sum(MetricNames.ERROR_RECORDS, "not_json")).isEqualTo(3);
    assertThat(sum(MetricNames.ERROR_RECORDS, "missing_field")).isEqualTo(1);
    assertThat(sum(MetricNames.COMMITS, null)).isEqualTo(latest.version()); // a new dataset
    assertThat(
            CollectingReporter.METRICS.stream()
                .filter(m -> m.name().equals(MetricNames.MANIFEST_VERSION))
                .map(m -> (Object) ((Gauge<?>) m.metric()).getValue()))
        .contains((Object) latest.version());
  }

  /** The sum over subtasks of a counter, of one reason (its {@code <reason>} group variable). */
  private static long sum(String name, String reason) {
    return CollectingReporter.METRICS.stream()
        .filter(m -> m.name().equals(name))
        .filter(m -> reason == null || reason.equals(m.variables().get("<reason>")))
        .mapToLong(m -> ((Counter) m.metric()).getCount())
        .sum();
  }
}
