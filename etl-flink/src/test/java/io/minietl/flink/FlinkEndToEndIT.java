package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.ingest.PutLog;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Test 1 of issue 8: a 4-shard stream with malformed records mixed in, read by the job at
 * parallelism 2 on a MiniCluster until idle, on each emulator: every valid record exactly once with
 * etl-core's word count, every malformed one in errors/ with its reason, statistics equal to those
 * recomputed from the rows (PutLog), written by the job's writer id, each version naming the stream
 * (issue 10's format 2, as the runner's). Some records are KPL aggregates (and one a corrupt
 * aggregate).
 */
@LocalStack
class FlinkEndToEndIT {
  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void everyValidRecordLandsOnceAndEveryMalformedOneInErrorsWithItsReason(
      KinesisFlavor flavor, Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    S3Emulator s3 = emulators.s3();
    String stream = kinesis.createStream(4);
    URI dataset = URI.create("s3://" + s3.createBucket() + "/articles");
    // kinesis-local is slow (~200 records/s): fewer records there.
    int count = flavor == KinesisFlavor.KINESALITE ? 3000 : 1000;
    PutLog log = new PutLog();
    log.putBatch(kinesis.client(), stream, new Random(11), 0, count, 50, 23);
    // KPL aggregates too (issue 10 item 8): de-aggregated, each user record once, a corrupt one
    // as kpl_corrupt; their sub-sequence numbers are part of the identity PutLog checks.
    log.putAggregated(kinesis.client(), stream, new Random(12), count, 40, 6, 50);

    runUntilIdle(
        JobConnections.of(stream, dataset, emulators.environment(flavor), null), options(), 2);

    S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
    assertThat(log.invalidCount()).isGreaterThanOrEqualTo(PutLog.MALFORMED.size());
    log.assertExactlyOnce(store);
    ManifestLog manifests = new ManifestLog(store);
    DatasetState latest = manifests.load();
    assertThat(latest.checkpoint()).hasSize(4);
    assertThat(latest.checkpoint().values()).allMatch(c -> !c.closed());
    StreamIdentity identity = KinesisStreamProxy.create(kinesis.client(), stream).identity();
    for (long v = 1; v <= latest.version(); v++) {
      Manifest m = manifests.read(v).orElseThrow();
      assertThat(m.writerId()).isEqualTo("flink-it");
      assertThat(m.stream()).as("v%d", v).isEqualTo(identity);
    }
  }

  private FlinkJobOptions options() {
    return FlinkJobOptions.builder()
        .maxRecordBytes(PutLog.MAX_RECORD_BYTES)
        .maxNestingDepth(PutLog.MAX_NESTING_DEPTH)
        .tempDir(temp.toString())
        .minCallInterval(Duration.ofMillis(20))
        .idlePollInterval(Duration.ofMillis(100))
        .recordsPerCall(500)
        .maxShardRows(700)
        .snapshotInterval(3)
        .shardDiscoveryInterval(Duration.ofMillis(500))
        .stopWhenIdle(Duration.ofSeconds(1))
        .writerId("flink-it")
        .build();
  }

  static void runUntilIdle(JobConnections connections, FlinkJobOptions options, int parallelism)
      throws Exception {
    Configuration conf = LocalFlink.configuration();
    conf.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = LocalFlink.environment(parallelism, conf);
    env.enableCheckpointing(500);
    EtlFlinkJob.addTo(env, connections, options);
    env.execute("etl-flink test");
  }
}
