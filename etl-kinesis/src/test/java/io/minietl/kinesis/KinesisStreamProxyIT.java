package io.minietl.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ScalingType;

@LocalStack
class KinesisStreamProxyIT {

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void listsShardsPageByPageAndReadsEveryRecordOfAFourShardStream(
      KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    String stream = kinesis.createStream(4);
    int count = flavor == KinesisFlavor.KINESALITE ? 1000 : 200;
    Map<String, String> put = put(kinesis, stream, 0, count);
    // Pages of 3 shards: ListShards takes two calls (NextToken).
    StreamProxy proxy = new KinesisStreamProxy(kinesis.client(), stream, 3);

    List<ShardDescription> shards = proxy.listShards();
    assertThat(shards).extracting(ShardDescription::shardId).doesNotHaveDuplicates();
    assertThat(shards).hasSize(4).allSatisfy(s -> assertThat(s.isClosed()).isFalse());
    assertThat(shards).allSatisfy(s -> assertThat(s.parentShardIds()).isEmpty());

    Map<String, String> read = new HashMap<>();
    for (ShardDescription shard : shards) {
      for (StreamRecord r : readShard(proxy, shard.shardId(), StartPosition.trimHorizon(), 97)) {
        assertThat(read.put(r.sequenceNumber(), utf8(r))).isNull();
        assertThat(r.partitionKey()).startsWith("pk-");
        assertThat(r.approximateArrivalTime()).isAfter(Instant.now().minusSeconds(600));
      }
    }
    assertThat(read).isEqualTo(put);
  }

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void afterSequenceNumberResumesAfterThatRecord(KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    String stream = kinesis.createStream(1);
    put(kinesis, stream, 0, 30);
    StreamProxy proxy = KinesisStreamProxy.create(kinesis.client(), stream);
    String shardId = proxy.listShards().get(0).shardId();
    List<StreamRecord> all = readShard(proxy, shardId, StartPosition.trimHorizon(), 10_000);
    assertThat(all).hasSize(30);

    List<StreamRecord> rest =
        readShard(
            proxy, shardId, StartPosition.afterSequenceNumber(all.get(11).sequenceNumber()), 7);

    assertThat(rest)
        .extracting(StreamRecord::sequenceNumber)
        .containsExactlyElementsOf(
            all.subList(12, 30).stream().map(StreamRecord::sequenceNumber).toList());
  }

  @Test
  void latestAndAtTimestampSkipEarlierRecords(KinesisEmulator kinesis) throws Exception {
    String stream = kinesis.createStream(1);
    put(kinesis, stream, 0, 5);
    StreamProxy proxy = KinesisStreamProxy.create(kinesis.client(), stream);
    String shardId = proxy.listShards().get(0).shardId();
    String latest = proxy.shardIterator(shardId, StartPosition.latest());
    // The boundary comes from the records' own arrival times, not from sleeps around
    // Instant.now(): wait (a condition, not a duration) until the emulator's clock, which is this
    // machine's, has passed the last early record's millisecond, then put the later ones.
    Instant lastEarly =
        readShard(proxy, shardId, StartPosition.trimHorizon(), 100).stream()
            .map(StreamRecord::approximateArrivalTime)
            .max(Instant::compareTo)
            .orElseThrow();
    while (!Instant.now().isAfter(lastEarly.plusMillis(1))) {
      Thread.onSpinWait();
    }
    Map<String, String> later = put(kinesis, stream, 5, 3);
    List<StreamRecord> all = readShard(proxy, shardId, StartPosition.trimHorizon(), 100);
    Instant firstLater =
        all.stream()
            .filter(r -> later.containsKey(r.sequenceNumber()))
            .map(StreamRecord::approximateArrivalTime)
            .min(Instant::compareTo)
            .orElseThrow();
    assertThat(firstLater).isAfter(lastEarly);

    assertThat(proxy.getRecords(latest, 100).records())
        .extracting(KinesisStreamProxyIT::utf8)
        .containsExactlyInAnyOrderElementsOf(later.values());
    assertThat(readShard(proxy, shardId, StartPosition.atTimestamp(firstLater), 100))
        .extracting(KinesisStreamProxyIT::utf8)
        .containsExactlyInAnyOrderElementsOf(later.values());
  }

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void aReshardedParentEndsWithANullIteratorAndListsItsChildren(
      KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    String stream = kinesis.createStream(1);
    Map<String, String> before = put(kinesis, stream, 0, 20);
    StreamProxy proxy = KinesisStreamProxy.create(kinesis.client(), stream);
    String parent = proxy.listShards().get(0).shardId();

    if (flavor == KinesisFlavor.KINESALITE) {
      kinesis
          .client()
          .splitShard(
              b ->
                  b.streamName(stream)
                      .shardToSplit(parent)
                      .newStartingHashKey("170141183460469231731687303715884105728"));
    } else {
      kinesis
          .client()
          .updateShardCount(
              b ->
                  b.streamName(stream)
                      .targetShardCount(2)
                      .scalingType(ScalingType.UNIFORM_SCALING));
    }
    kinesis.awaitActive(stream);
    Map<String, String> after = put(kinesis, stream, 20, 20);

    List<ShardDescription> shards = proxy.listShards();
    ShardDescription closed =
        shards.stream().filter(s -> s.shardId().equals(parent)).findFirst().orElseThrow();
    assertThat(closed.isClosed()).isTrue();
    List<ShardDescription> children =
        shards.stream().filter(s -> s.parentShardIds().contains(parent)).toList();
    assertThat(children).hasSizeGreaterThanOrEqualTo(2);
    assertThat(children).allSatisfy(c -> assertThat(c.isClosed()).isFalse());

    // The parent: its records, then a null next iterator (and, where reported, the children).
    List<StreamRecord> parentRecords = new ArrayList<>();
    String iterator = proxy.shardIterator(parent, StartPosition.trimHorizon());
    RecordBatch batch;
    int calls = 0;
    do {
      batch = getRecords(proxy, iterator, 7);
      parentRecords.addAll(batch.records());
      iterator = batch.nextIterator();
      assertThat(++calls).as("GetRecords calls on the closed parent").isLessThan(100);
    } while (!batch.isShardEnd());
    assertThat(parentRecords)
        .extracting(KinesisStreamProxyIT::utf8)
        .containsExactlyInAnyOrderElementsOf(before.values());
    if (flavor == KinesisFlavor.KINESIS_LOCAL) {
      assertThat(batch.childShardIds())
          .containsExactlyInAnyOrderElementsOf(
              children.stream().map(ShardDescription::shardId).toList());
    }

    List<String> childData = new ArrayList<>();
    for (ShardDescription child : children) {
      readShard(proxy, child.shardId(), StartPosition.trimHorizon(), 100)
          .forEach(r -> childData.add(utf8(r)));
    }
    assertThat(childData).containsExactlyInAnyOrderElementsOf(after.values());
  }

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void anUnknownStreamThrowsStreamNotFoundNamingIt(KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    StreamProxy proxy = KinesisStreamProxy.create(kinesis.client(), "no-such-stream-x");

    assertThatThrownBy(proxy::listShards)
        .isInstanceOf(StreamNotFoundException.class)
        .hasMessageContaining("Cannot find Kinesis stream no-such-stream-x")
        .hasMessageContaining(kinesis.endpoint().toString());
    assertThatThrownBy(
            () -> proxy.shardIterator("shardId-000000000000", StartPosition.trimHorizon()))
        .isInstanceOf(StreamNotFoundException.class);
  }

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void identityIsTheStreamsArnAndCreationTime(KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    Instant before = Instant.now().minusSeconds(120); // emulator and test share a clock
    String stream = kinesis.createStream(1);
    StreamProxy proxy = KinesisStreamProxy.create(kinesis.client(), stream);

    io.minietl.core.manifest.StreamIdentity identity = proxy.identity();

    assertThat(identity.arn()).startsWith("arn:aws:kinesis:").endsWith(":stream/" + stream);
    assertThat(identity.creationTime()).isAfter(before).isBefore(Instant.now().plusSeconds(120));
    assertThat(proxy.identity()).isEqualTo(identity);
    assertThatThrownBy(() -> KinesisStreamProxy.create(kinesis.client(), "no-such-x").identity())
        .isInstanceOf(StreamNotFoundException.class);
  }

  /** Puts {@code count} records with distinct partition keys; sequence number to data. */
  private static Map<String, String> put(
      KinesisEmulator kinesis, String stream, int from, int count) {
    List<PutRecordsRequestEntry> entries =
        IntStream.range(from, from + count)
            .mapToObj(i -> KinesisEmulator.entry("pk-" + i, "record-" + i))
            .toList();
    List<PutRecordsResultEntry> results = kinesis.putRecords(stream, entries);
    Map<String, String> bySequence = new HashMap<>();
    for (int i = 0; i < count; i++) {
      bySequence.put(results.get(i).sequenceNumber(), entries.get(i).data().asUtf8String());
    }
    return bySequence;
  }

  /** Reads a shard until its end or until caught up (an empty page, MillisBehindLatest 0). */
  private static List<StreamRecord> readShard(
      StreamProxy proxy, String shardId, StartPosition position, int limit) {
    List<StreamRecord> records = new ArrayList<>();
    String iterator = proxy.shardIterator(shardId, position);
    while (iterator != null) {
      RecordBatch batch = getRecords(proxy, iterator, limit);
      records.addAll(batch.records());
      iterator = batch.nextIterator();
      if (batch.records().isEmpty() && batch.millisBehindLatest() == 0) {
        break;
      }
    }
    return records;
  }

  private static RecordBatch getRecords(StreamProxy proxy, String iterator, int limit) {
    for (int attempt = 0; ; attempt++) {
      try {
        return proxy.getRecords(iterator, limit);
      } catch (ThrottledException e) {
        assertThat(attempt).as("throttled attempts").isLessThan(50);
        sleep(100);
      }
    }
  }

  private static String utf8(StreamRecord record) {
    return new String(record.data(), StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
