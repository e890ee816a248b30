package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.stats.FeatureStats;
import io.minietl.ingest.cli.Cli;
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
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Test 1 of the issue: a 4-shard stream with malformed records, read to the end on each emulator.
 */
@LocalStack
class IngestEndToEndIT {
  @TempDir Path temp;

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void everyValidRecordLandsOnceAndEveryMalformedOneInErrorsWithItsReason(
      KinesisFlavor flavor, Emulators emulators) throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    S3Emulator s3 = emulators.s3();
    String stream = kinesis.createStream(4);
    String bucket = s3.createBucket();
    URI dataset = URI.create("s3://" + bucket + "/articles");
    // kinesis-local is slow (~200 records/s): fewer records there.
    int count = flavor == KinesisFlavor.KINESALITE ? 3000 : 1000;
    PutLog log = new PutLog();
    log.putBatch(kinesis.client(), stream, new Random(11), 0, count, 50, 23);
    S3ObjectStore store = S3ObjectStore.create(s3.client(), dataset);
    List<String> lines = new CopyOnWriteArrayList<>();
    IngestOptions options =
        PutLog.limits(IngestOptions.builder())
            .tempDir(temp)
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(100))
            .recordsPerCall(500)
            .maxShardRows(700)
            .snapshotInterval(3)
            .progressInterval(Duration.ofMillis(500))
            .stopWhenIdle(Duration.ofSeconds(1))
            .build();

    RunSummary summary =
        IngestRunner.create(
                KinesisStreamProxy.create(kinesis.client(), stream), store, options, lines::add)
            .run();

    assertThat(log.invalidCount()).isGreaterThanOrEqualTo(PutLog.MALFORMED.size());
    log.assertExactlyOnce(store);
    assertThat(summary.recordsRead()).isEqualTo(count);
    assertThat(summary.errorRecords()).isEqualTo(log.invalidCount());
    assertThat(summary.commits()).isGreaterThan(1);
    assertThat(lines).anyMatch(l -> l.startsWith("final: records " + count));
    DatasetState latest = DatasetMaintenance.latest(store);
    assertThat(latest.version()).isEqualTo(summary.manifestVersion());
    assertThat(latest.stats("word_count")).isEqualTo(summary.datasetWordCount());
    assertThat(latest.checkpoint()).hasSize(4);

    // The CLI's stats say the same, from the manifest alone.
    Cli.Result stats =
        Cli.run(List.of("stats", "--dataset", dataset.toString()), emulators.environment(flavor));
    assertThat(stats.code()).as(stats.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(stats.out());
    FeatureStats wc = latest.stats("word_count");
    assertThat(json.get("version").asLong()).isEqualTo(latest.version());
    assertThat(json.get("shards").asInt()).isEqualTo(latest.shards().size());
    assertThat(json.get("rows").asLong()).isEqualTo(log.validCount());
    assertThat(json.get("error_records").asLong()).isEqualTo(log.invalidCount());
    JsonNode w = json.get("features").get("word_count");
    assertThat(w.get("count").asLong()).isEqualTo(log.validCount());
    assertThat(w.get("mean").asDouble()).isCloseTo(wc.mean(), within(1e-9));
    assertThat(w.get("min").asLong()).isEqualTo(wc.min());
    assertThat(w.get("max").asLong()).isEqualTo(wc.max());
    assertThat(w.get("stddev").asDouble()).isCloseTo(wc.stddev(), within(1e-9));
  }
}
