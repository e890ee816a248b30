package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.manifest.DatasetState;
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
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Test 3 of the issue: the stream is resharded while the runner reads it. kinesalite: SplitShard,
 * then MergeShards of two adjacent shards; kinesis-local: UpdateShardCount 2 -> 4 (splits), then 4
 * -> 2 (merges). Nothing is lost or duplicated, every closed shard is closed in the checkpoint, and
 * each partition key's records are in the dataset in the order they were put.
 */
@LocalStack
class ReshardingIT {
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
    S3ObjectStore store =
        S3ObjectStore.create(s3.client(), URI.create("s3://" + s3.createBucket() + "/ds"));
    int perPhase = flavor == KinesisFlavor.KINESALITE ? 250 : 100;
    Random random = new Random(31);
    PutLog log = new PutLog();
    IngestOptions options =
        IngestOptions.builder()
            .tempDir(temp)
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(50))
            .shardDiscoveryInterval(Duration.ofMillis(200))
            .maxShardAge(Duration.ofMillis(300))
            .progressInterval(Duration.ofSeconds(2))
            .build();
    IngestRunner runner =
        IngestRunner.create(
            KinesisStreamProxy.create(client, stream), store, options, System.out::println);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      putPhase(client, stream, log, random, 0, perPhase);
      Future<RunSummary> run = executor.submit(runner::run);
      Await.until("the first commit", Duration.ofSeconds(30), () -> latest(store).totalRows() > 0);

      Resharding.splitStep(kinesis, stream);
      putPhase(client, stream, log, random, perPhase, perPhase);
      Resharding.mergeStep(kinesis, stream);
      putPhase(client, stream, log, random, 2 * perPhase, perPhase);

      Set<String> closed = Resharding.closedShards(kinesis, stream);
      assertThat(closed).hasSizeGreaterThanOrEqualTo(Resharding.minClosedAfterBothSteps(flavor));
      Await.until(
          "every record committed and every closed shard closed in the checkpoint",
          Duration.ofSeconds(90),
          () -> {
            DatasetState s = latest(store);
            return s.totalRows() == log.validCount()
                && Resharding.closedIn(s.checkpoint()).equals(closed);
          });
      runner.stop();
      run.get(60, TimeUnit.SECONDS);
    } finally {
      runner.stop();
      executor.shutdownNow();
      executor.awaitTermination(30, TimeUnit.SECONDS);
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

  private static DatasetState latest(S3ObjectStore store) {
    return DatasetMaintenance.latest(store);
  }
}
