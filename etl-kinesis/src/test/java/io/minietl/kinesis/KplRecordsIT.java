package io.minietl.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** KPL aggregates put on the emulators come out of the proxy as their user records. */
@LocalStack
class KplRecordsIT {

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void aggregatesComeOutAsUserRecordsAndAResumeInsideOneSkipsWhatIsPast(
      KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    String stream = kinesis.createStream(1);
    byte[] aggregate =
        KplAggregation.aggregate(
            List.of(user(0, "k-a", "a0"), user(1, "k-b", "a1"), user(2, "k-a", "a2")));
    byte[] corrupt = aggregate.clone();
    corrupt[corrupt.length - 1] ^= 1;
    List<PutRecordsResultEntry> results =
        kinesis.putRecords(
            stream,
            List.of(
                entry("plain-1", "p1".getBytes(StandardCharsets.UTF_8)),
                entry("k-a", aggregate),
                entry("bad", corrupt),
                entry("plain-2", "p2".getBytes(StandardCharsets.UTF_8))));
    String aggregateSequence = results.get(1).sequenceNumber();
    StreamProxy proxy = KinesisStreamProxy.create(kinesis.client(), stream);
    String shardId = proxy.listShards().get(0).shardId();

    List<StreamRecord> all = readShard(proxy, shardId, StartPosition.trimHorizon());

    assertThat(all)
        .extracting(
            StreamRecord::sequenceNumber,
            StreamRecord::subSequenceNumber,
            StreamRecord::partitionKey,
            r -> new String(r.data(), StandardCharsets.UTF_8))
        .startsWith(
            org.assertj.core.groups.Tuple.tuple(
                results.get(0).sequenceNumber(), null, "plain-1", "p1"),
            org.assertj.core.groups.Tuple.tuple(aggregateSequence, 0L, "k-a", "a0"),
            org.assertj.core.groups.Tuple.tuple(aggregateSequence, 1L, "k-b", "a1"),
            org.assertj.core.groups.Tuple.tuple(aggregateSequence, 2L, "k-a", "a2"));
    assertThat(all).hasSize(6);
    StreamRecord bad = all.get(4);
    assertThat(bad.sequenceNumber()).isEqualTo(results.get(2).sequenceNumber());
    assertThat(bad.subSequenceNumber()).isNull();
    assertThat(bad.data()).isEqualTo(corrupt);
    assertThat(bad.aggregateError()).contains("MD5");
    assertThat(all.get(5).partitionKey()).isEqualTo("plain-2");
    assertThat(all)
        .filteredOn(r -> r != bad)
        .allSatisfy(r -> assertThat(r.aggregateError()).isNull());

    // Committed up to user record 0 of the aggregate: the reader gets 1, 2 and what follows.
    StartPosition inside = StartPosition.afterSubSequenceNumber(aggregateSequence, 0);
    List<StreamRecord> rest =
        readShard(proxy, shardId, inside).stream().filter(r -> !inside.isPast(r)).toList();
    assertThat(rest.stream().map(KplRecordsIT::describe))
        .containsExactlyElementsOf(all.subList(2, 6).stream().map(KplRecordsIT::describe).toList());
  }

  private static String describe(StreamRecord r) {
    return r.sequenceNumber()
        + "/"
        + r.subSequenceNumber()
        + " "
        + r.partitionKey()
        + " "
        + new String(r.data(), StandardCharsets.ISO_8859_1);
  }

  private static KplAggregation.UserRecord user(int sub, String key, String data) {
    return new KplAggregation.UserRecord(sub, key, null, data.getBytes(StandardCharsets.UTF_8));
  }

  private static PutRecordsRequestEntry entry(String key, byte[] data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(key)
        .data(SdkBytes.fromByteArray(data))
        .build();
  }

  /** Reads a shard until caught up (an empty page, MillisBehindLatest 0). */
  private static List<StreamRecord> readShard(
      StreamProxy proxy, String shardId, StartPosition position) {
    List<StreamRecord> records = new ArrayList<>();
    String iterator = proxy.shardIterator(shardId, position);
    while (iterator != null) {
      RecordBatch batch = getRecords(proxy, iterator);
      records.addAll(batch.records());
      iterator = batch.nextIterator();
      if (batch.records().isEmpty() && batch.millisBehindLatest() == 0) {
        break;
      }
    }
    return records;
  }

  private static RecordBatch getRecords(StreamProxy proxy, String iterator) {
    for (int attempt = 0; ; attempt++) {
      try {
        return proxy.getRecords(iterator, 100);
      } catch (ThrottledException e) {
        assertThat(attempt).as("throttled attempts").isLessThan(50);
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(ie);
        }
      }
    }
  }
}
