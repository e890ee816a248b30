package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.format.DatasetSchema;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.ingest.IngestOptions;
import io.minietl.ingest.IngestRunner;
import io.minietl.ingest.PutLog;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.reader.Batch;
import io.minietl.reader.BatchIterator;
import io.minietl.reader.DatasetOptions;
import io.minietl.reader.ReadSpec;
import io.minietl.reader.TrainingDataset;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 4 of issue 8: the runner ingests part of a stream, the job continues from the runner's last
 * commit (no Flink state: from the manifest), the runner continues from the job's; the dataset
 * holds every record once, and training-reader reads all of it in one schema. The job's versions
 * name the stream as the runner's do, so the runner resumes from them without the adoption warning.
 */
@LocalStack
class FlinkTakingTurnsIT {
  @TempDir Path temp;

  @Test
  void runnerThenJobThenRunnerWriteOneDatasetWithEveryRecordOnce(Emulators emulators)
      throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(KinesisFlavor.KINESALITE);
    S3Emulator s3 = emulators.s3();
    String stream = kinesis.createStream(4);
    URI dataset = URI.create("s3://" + s3.createBucket() + "/articles");
    S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
    ManifestLog manifests = new ManifestLog(store);
    PutLog log = new PutLog();
    Random random = new Random(23);

    log.putBatch(kinesis.client(), stream, random, 0, 600, 30, 41);
    runner(kinesis, stream, store, "runner-1");
    long afterRunner = manifests.load().version();
    log.putBatch(kinesis.client(), stream, random, 600, 600, 30, 41);
    FlinkEndToEndIT.runUntilIdle(
        JobConnections.of(stream, dataset, emulators.environment(KinesisFlavor.KINESALITE), null),
        FlinkJobOptions.builder()
            .maxRecordBytes(PutLog.MAX_RECORD_BYTES)
            .maxNestingDepth(PutLog.MAX_NESTING_DEPTH)
            .tempDir(temp.toString())
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(100))
            .shardDiscoveryInterval(Duration.ofMillis(500))
            .stopWhenIdle(Duration.ofSeconds(1))
            .writerId("flink-turns")
            .build(),
        2);
    long afterJob = manifests.load().version();
    log.putBatch(kinesis.client(), stream, random, 1200, 600, 30, 41);
    List<String> runner2 = runner(kinesis, stream, store, "runner-2");

    log.assertExactlyOnce(store);
    long latest = manifests.load().version();
    assertThat(afterRunner).isPositive();
    assertThat(afterJob).isGreaterThan(afterRunner);
    assertThat(latest).isGreaterThan(afterJob);
    Set<String> writers = new TreeSet<>();
    for (long v = 1; v <= latest; v++) {
      writers.add(manifests.read(v).orElseThrow().writerId());
    }
    assertThat(writers).containsExactly("flink-turns", "runner-1", "runner-2");
    StreamIdentity identity = KinesisStreamProxy.create(kinesis.client(), stream).identity();
    for (long v = afterRunner + 1; v <= afterJob; v++) {
      Manifest m = manifests.read(v).orElseThrow();
      assertThat(m.writerId()).isEqualTo("flink-turns");
      assertThat(m.stream()).isEqualTo(identity);
    }
    assertThat(runner2).isNotEmpty().noneMatch(l -> l.startsWith("warning: the checkpoint of"));

    // training-reader reads the whole dataset, one schema, each record once.
    List<String> ids = new ArrayList<>();
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults());
        BatchIterator it =
            ds.batches(
                ReadSpec.builder()
                    .batchSize(64)
                    .columns(DatasetSchema.KINESIS_SHARD_ID, DatasetSchema.KINESIS_SEQUENCE_NUMBER)
                    .build())) {
      while (it.hasNext()) {
        Batch b = it.next();
        for (int row = 0; row < b.size(); row++) {
          if (!b.isPadding(row)) {
            ids.add(
                b.string(DatasetSchema.KINESIS_SHARD_ID, row)
                    + "/"
                    + b.string(DatasetSchema.KINESIS_SEQUENCE_NUMBER, row));
          }
        }
      }
    }
    assertThat(ids).doesNotHaveDuplicates().hasSize(log.validCount());
  }

  /** Runs a runner until idle; returns its lines. */
  private List<String> runner(
      KinesisEmulator kinesis, String stream, S3ObjectStore store, String id) {
    List<String> lines = new ArrayList<>();
    IngestRunner.create(
            KinesisStreamProxy.create(kinesis.client(), stream),
            store,
            IngestOptions.builder()
                .maxRecordBytes(PutLog.MAX_RECORD_BYTES)
                .maxNestingDepth(PutLog.MAX_NESTING_DEPTH)
                .tempDir(temp)
                .minCallInterval(Duration.ofMillis(20))
                .idlePollInterval(Duration.ofMillis(100))
                .stopWhenIdle(Duration.ofSeconds(1))
                .writerId(id)
                .build(),
            lines::add)
        .run();
    return lines;
  }
}
