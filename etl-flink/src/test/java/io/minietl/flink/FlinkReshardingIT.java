package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.ingest.Await;
import io.minietl.ingest.Datasets;
import io.minietl.ingest.PutLog;
import io.minietl.ingest.Resharding;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Test 3 of issue 8: the stream is resharded while the job reads it (parallelism 2, MiniCluster).
 * kinesis-local: UpdateShardCount 2 -> 4 (splits), then 4 -> 2 (merges); kinesalite: SplitShard,
 * then MergeShards (the runner's {@code ReshardingIT} steps). Nothing is lost or duplicated, every
 * closed shard is closed in the committed checkpoint, and each partition key's records are in the
 * dataset in the order they were put (a child is read only after its parents' ends are committed).
 *
 * <p>The reshard starts once the first manifest version with rows is committed, never after a time:
 * on an idle machine the job reads the first phase before its first checkpoint, on a starved one
 * long after; either way the parents have records to finish before their children start.
 */
@LocalStack
class FlinkReshardingIT {
  private static final int KEYS = 12;

  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void reshardingMidRunLosesNothingAndKeepsEachKeysOrder(KinesisFlavor flavor, Emulators emulators)
      throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    KinesisClient client = kinesis.client();
    S3Emulator s3 = emulators.s3();
    String stream = kinesis.createStream(2);
    URI dataset = URI.create("s3://" + s3.createBucket() + "/articles");
    S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
    ManifestLog manifests = new ManifestLog(store);
    // kinesis-local is slow (~200 records/s): fewer records there.
    int perPhase = flavor == KinesisFlavor.KINESALITE ? 250 : 100;
    Random random = new Random(37);
    PutLog log = new PutLog();
    putPhase(client, stream, log, random, 0, perPhase);

    StreamExecutionEnvironment env = environment();
    EtlFlinkJob.addTo(
        env, JobConnections.of(stream, dataset, emulators.environment(flavor), null), options());
    JobClient job = env.executeAsync("etl-flink resharding");
    CompletableFuture<?> result = job.getJobExecutionResult();
    try {
      Await.until(
          "the first commit with rows",
          Duration.ofMinutes(3),
          () -> {
            assertThat(result).as("the job is running").isNotDone();
            return manifests.load().totalRows() > 0;
          });

      Resharding.splitStep(kinesis, stream);
      putPhase(client, stream, log, random, perPhase, perPhase);
      Resharding.mergeStep(kinesis, stream);
      putPhase(client, stream, log, random, 2 * perPhase, perPhase);

      Set<String> closed = Resharding.closedShards(kinesis, stream);
      assertThat(closed).hasSizeGreaterThanOrEqualTo(Resharding.minClosedAfterBothSteps(flavor));
      Await.until(
          "every record committed and every closed shard closed in the checkpoint",
          Duration.ofMinutes(4),
          () -> {
            assertThat(result).as("the job is running").isNotDone();
            DatasetState s = manifests.load();
            return s.totalRows() == log.validCount()
                && Resharding.closedIn(s.checkpoint()).equals(closed);
          });
    } finally {
      if (!result.isDone()) {
        job.cancel().get(1, TimeUnit.MINUTES);
      }
      Await.until("the job to end", Duration.ofMinutes(1), result::isDone);
    }

    Datasets.Contents contents = log.assertExactlyOnce(store);
    log.assertOrderPerKey(contents);
    // Records landed on parents and children alike.
    assertThat(contents.rows().stream().map(r -> r.provenance().shardId()).distinct().count())
        .isGreaterThan(3);
  }

  /** Puts {@code count} records one by one (PutRecord) on random keys: their order is known. */
  private static void putPhase(
      KinesisClient client, String stream, PutLog log, Random random, int from, int count) {
    for (int i = from; i < from + count; i++) {
      log.putOne(client, stream, random, i, "key-" + random.nextInt(KEYS));
    }
  }

  private FlinkJobOptions options() {
    return FlinkJobOptions.builder()
        .tempDir(temp.toString())
        // 10 records a call, 50 ms apart per shard: the parents still have records to read when
        // the first commit starts the reshard, so a child read too early would break a key's order
        // (with the parent rule removed from the enumerator this test fails).
        .minCallInterval(Duration.ofMillis(50))
        .idlePollInterval(Duration.ofMillis(50))
        .recordsPerCall(10)
        .shardDiscoveryInterval(Duration.ofMillis(200))
        .writerId("flink-resharding-it")
        .build();
  }

  private static StreamExecutionEnvironment environment() {
    Configuration conf = LocalFlink.configuration();
    conf.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = LocalFlink.environment(2, conf);
    env.enableCheckpointing(300);
    return env;
  }
}
