package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.format.ShardRow;
import io.minietl.ingest.Datasets;
import io.minietl.ingest.PutLog;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 5 of issue 8: the job at parallelism 1 and at parallelism 3 on the same stream writes the
 * same rows (shard, sequence number, content, feature values), the same error records and identical
 * statistics, each exactly once.
 */
@LocalStack
class FlinkParallelismIT {
  @TempDir Path temp;

  @Test
  void parallelismOneAndThreeWriteTheSameRowsAndIdenticalStatistics(Emulators emulators)
      throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    S3Emulator s3 = emulators.s3();
    String stream = kinesis.createStream(4);
    PutLog log = new PutLog();
    log.putBatch(kinesis.client(), stream, new Random(17), 0, 1500, 40, 37);
    S3ObjectStore one = run(emulators, s3, stream, 1);
    S3ObjectStore three = run(emulators, s3, stream, 3);

    Datasets.Contents a = log.assertExactlyOnce(one);
    Datasets.Contents b = log.assertExactlyOnce(three);

    assertThat(rows(b)).isEqualTo(rows(a));
    assertThat(b.state().stats()).isEqualTo(a.state().stats());
    assertThat(b.state().totalRows()).isEqualTo(a.state().totalRows());
    assertThat(b.state().totalErrorRecords()).isEqualTo(a.state().totalErrorRecords());
    assertThat(b.state().checkpoint()).isEqualTo(a.state().checkpoint());
  }

  private S3ObjectStore run(Emulators emulators, S3Emulator s3, String stream, int parallelism)
      throws Exception {
    URI dataset = URI.create("s3://" + s3.createBucket() + "/p" + parallelism);
    FlinkEndToEndIT.runUntilIdle(
        JobConnections.of(stream, dataset, emulators.environment(KinesisFlavor.KINESALITE), null),
        FlinkJobOptions.builder()
            .maxRecordBytes(PutLog.MAX_RECORD_BYTES)
            .maxNestingDepth(PutLog.MAX_NESTING_DEPTH)
            .tempDir(temp.toString())
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(100))
            .recordsPerCall(300)
            .shardDiscoveryInterval(Duration.ofMillis(500))
            .stopWhenIdle(Duration.ofSeconds(1))
            .writerId("flink-p" + parallelism)
            .build(),
        parallelism);
    return S3ObjectStore.create(s3.client(), dataset);
  }

  private static Set<String> rows(Datasets.Contents c) {
    return c.rows().stream().map(FlinkParallelismIT::row).collect(Collectors.toSet());
  }

  private static String row(ShardRow r) {
    return r.provenance().shardId()
        + "/"
        + r.provenance().sequenceNumber()
        + "/"
        + r.provenance().partitionKey()
        + "/"
        + r.article().content().hashCode()
        + "/"
        + Arrays.toString(r.featureValues());
  }
}
