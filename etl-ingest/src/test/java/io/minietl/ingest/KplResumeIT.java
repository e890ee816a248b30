package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.core.storage.ObjectInfo;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.KplAggregation;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Issue 10 item 8: a runner that restarts from a checkpoint inside a KPL aggregate reads the
 * aggregate's later user records and none of the committed ones. The first run commits every 4
 * rows, so its second version's checkpoint is user record 6 of a 10-record aggregate; a copy of the
 * dataset as of that version (what a runner killed right after that commit leaves) is then resumed,
 * on kinesalite.
 */
@LocalStack(kinesis = KinesisFlavor.KINESALITE)
class KplResumeIT {
  @TempDir Path temp;

  @Test
  void aRestartInsideAnAggregateReadsItsRemainingUserRecordsExactlyOnce(KinesisEmulator kinesis)
      throws Exception {
    String stream = kinesis.createStream(1);
    List<KplAggregation.UserRecord> users = new ArrayList<>();
    for (int u = 0; u < 10; u++) {
      users.add(new KplAggregation.UserRecord(u, "k", null, article("agg-" + u)));
    }
    List<PutRecordsResultEntry> put =
        kinesis.putRecords(
            stream, List.of(entry(article("plain-0")), entry(KplAggregation.aggregate(users))));
    String aggregate = put.get(1).sequenceNumber();
    InMemoryObjectStore first = new InMemoryObjectStore();

    run(kinesis, stream, first);

    // The first run: p0 + a0..a2, a3..a6, then a7..a9 (at idle); positions inside the aggregate.
    ManifestLog log = new ManifestLog(first);
    DatasetState v2 = log.load(2);
    ShardCheckpoint inside = v2.checkpoint().values().iterator().next();
    assertThat(inside.sequenceNumber()).isEqualTo(aggregate);
    assertThat(inside.subSequenceNumber()).hasValue(6);
    assertThat(v2.totalRows()).isEqualTo(8);
    assertThat(log.load().checkpoint().values().iterator().next().subSequenceNumber()).hasValue(9);

    // What a runner killed right after version 2 leaves: that version and its files.
    InMemoryObjectStore killed = new InMemoryObjectStore();
    for (ObjectInfo o : first.list("", null)) {
      boolean laterManifest =
          o.key().startsWith(ManifestPaths.MANIFEST_DIR)
              && !o.key().equals(ManifestLog.SNAPSHOT_HINT_KEY)
              && !o.key().equals(ManifestPaths.manifestKey(1))
              && !o.key().equals(ManifestPaths.manifestKey(2));
      if (!laterManifest) {
        killed.put(o.key(), first.get(o.key()).orElseThrow());
      }
    }
    assertThat(new ManifestLog(killed).load().version()).isEqualTo(2);
    kinesis.putRecords(stream, List.of(entry(article("plain-1"))));

    run(kinesis, stream, killed);

    List<String> ids =
        Datasets.read(killed).rows().stream()
            .map(ShardRow::article)
            .map(a -> a.articleId())
            .toList();
    assertThat(ids)
        .containsExactly(
            "plain-0", "agg-0", "agg-1", "agg-2", "agg-3", "agg-4", "agg-5", "agg-6", "agg-7",
            "agg-8", "agg-9", "plain-1");
    assertThat(
            Datasets.read(killed).rows().stream()
                .map(r -> r.provenance().subSequenceNumber())
                .toList())
        .containsExactly(null, 0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, null);
    // After a plain record the position is a whole record again.
    assertThat(new ManifestLog(killed).load().checkpoint().values().iterator().next())
        .satisfies(c -> assertThat(c.subSequenceNumber()).isEmpty());
  }

  private void run(KinesisEmulator kinesis, String stream, InMemoryObjectStore store) {
    IngestOptions options =
        IngestOptions.builder()
            .tempDir(temp)
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(100))
            .maxShardRows(4)
            .stopWhenIdle(Duration.ofSeconds(1))
            .build();
    IngestRunner.create(
            KinesisStreamProxy.create(kinesis.client(), stream), store, options, l -> {})
        .run();
  }

  private static byte[] article(String id) {
    return ("{\"article_id\":\"" + id + "\",\"content\":\"one two three " + id + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static PutRecordsRequestEntry entry(byte[] data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey("k")
        .data(SdkBytes.fromByteArray(data))
        .build();
  }
}
