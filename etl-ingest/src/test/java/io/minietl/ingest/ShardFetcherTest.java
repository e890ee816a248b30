package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShardFetcherTest {
  private static final ShardFetcher.Settings FAST =
      new ShardFetcher.Settings(
          7, 1 << 20, Duration.ZERO, Duration.ZERO, Duration.ofMillis(1), Duration.ofMillis(2));

  private static final String SHARD = "shardId-000000000000";

  /** Starts a fetcher of {@link #SHARD} on its own thread. */
  private static Thread startFetcher(
      InMemoryStream stream,
      StartPosition start,
      FetchBuffer buffer,
      ShardFetcher.Settings settings,
      AtomicLong retries) {
    Thread t =
        new Thread(
            new ShardFetcher(stream, SHARD, start, buffer, settings, Sleeper.SYSTEM, retries));
    t.start();
    return t;
  }

  private static List<StreamRecord> drain(FetchBuffer buffer, String shardId) throws Exception {
    List<StreamRecord> out = new ArrayList<>();
    while (true) {
      FetchedBatch b = buffer.poll(5_000);
      assertThat(b).as("a batch within 5 s").isNotNull();
      assertThat(b.shardId()).isEqualTo(shardId);
      out.addAll(b.records());
      if (b.shardEnd()) {
        return out;
      }
    }
  }

  private static InMemoryStream closedShardWith(int records, InMemoryStream stream) {
    for (int i = 0; i < records; i++) {
      stream.put("k" + i, ("r" + i).getBytes(StandardCharsets.UTF_8));
    }
    stream.split(SHARD);
    return stream;
  }

  @Test
  void readsAClosedShardToItsEndInOrder() throws Exception {
    InMemoryStream stream = closedShardWith(50, new InMemoryStream("s", 1));
    FetchBuffer buffer = new FetchBuffer(1 << 20);
    Thread t = startFetcher(stream, StartPosition.trimHorizon(), buffer, FAST, new AtomicLong());

    List<StreamRecord> read = drain(buffer, SHARD);
    t.join(5_000);

    assertThat(read)
        .extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, 50).mapToObj(i -> "r" + i).toList());
    assertThat(t.isAlive()).isFalse();
  }

  @Test
  void eachCallAsksForCallBytesOverThePreviousPagesAverageRecordSize() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1);
    for (int i = 0; i < 300; i++) {
      stream.put("k" + i, new byte[i < 150 ? 1_000 : 250]); // the records shrink half-way
    }
    stream.split(SHARD);
    FetchBuffer buffer = new FetchBuffer(1 << 20);
    ShardFetcher.Settings tenKilobytes =
        new ShardFetcher.Settings(
            10_000,
            10_000,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMillis(1),
            Duration.ofMillis(2));
    Thread t =
        startFetcher(stream, StartPosition.trimHorizon(), buffer, tenKilobytes, new AtomicLong());

    List<StreamRecord> read = drain(buffer, SHARD);
    t.join(5_000);

    assertThat(read).hasSize(300);
    // First call: FIRST_CALL_RECORDS (sizes unknown). Then 10,000 / 1,000 bytes = 10 records, and
    // once a page of 250-byte records came back, 10,000 / 250 = 40.
    assertThat(stream.limits).startsWith(ShardFetcher.FIRST_CALL_RECORDS, 10, 10, 10, 10, 10);
    assertThat(stream.limits).contains(40).allMatch(l -> l <= ShardFetcher.FIRST_CALL_RECORDS);
    assertThat(stream.limits.get(stream.limits.size() - 1)).isEqualTo(40);
  }

  @Test
  void throttlingAndExpiredIteratorsNeitherLoseNorRepeatRecords() throws Exception {
    InMemoryStream stream =
        closedShardWith(200, new InMemoryStream("s", 1).throttleEvery(3).expireEvery(5));
    FetchBuffer buffer = new FetchBuffer(1 << 20);
    AtomicLong retries = new AtomicLong();
    Thread t = startFetcher(stream, StartPosition.trimHorizon(), buffer, FAST, retries);

    List<StreamRecord> read = drain(buffer, SHARD);
    t.join(5_000);

    assertThat(read).hasSize(200);
    assertThat(read).extracting(StreamRecord::sequenceNumber).doesNotHaveDuplicates().isSorted();
    assertThat(stream.throttled.get()).isPositive();
    assertThat(stream.expired.get()).isPositive();
    assertThat(retries.get()).isEqualTo(stream.throttled.get() + stream.expired.get());
  }

  @Test
  void resumesAfterTheGivenSequenceNumber() throws Exception {
    InMemoryStream stream = closedShardWith(20, new InMemoryStream("s", 1));
    String tenth = stream.shardIterator(SHARD, StartPosition.trimHorizon());
    String afterSeq = stream.getRecords(tenth, 10).records().get(9).sequenceNumber();
    FetchBuffer buffer = new FetchBuffer(1 << 20);
    Thread t =
        startFetcher(
            stream, StartPosition.afterSequenceNumber(afterSeq), buffer, FAST, new AtomicLong());

    List<StreamRecord> read = drain(buffer, SHARD);

    assertThat(read).hasSize(10);
    assertThat(read.get(0).sequenceNumber()).isGreaterThan(afterSeq);
  }

  @Test
  void aFullBufferPausesReadingUntilBytesAreTaken() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1);
    for (int i = 0; i < 100; i++) {
      stream.put("k", new byte[100]);
    }
    stream.split(SHARD);
    FetchBuffer buffer = new FetchBuffer(1_000); // room for ~1 batch of 7 x 100 bytes
    Thread t = startFetcher(stream, StartPosition.trimHorizon(), buffer, FAST, new AtomicLong());

    // The fetcher blocks with at most the budget (or one batch) buffered; draining unblocks it.
    int total = 0;
    while (true) {
      assertThat(buffer.bufferedBytes()).isLessThanOrEqualTo(1_000);
      FetchedBatch b = buffer.poll(5_000);
      total += b.records().size();
      if (b.shardEnd()) {
        break;
      }
    }
    assertThat(total).isEqualTo(100);
    assertThat(buffer.peakBytes()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void anIteratorRenewedBeforeTheFirstRecordOfALatestStartSkipsNothing() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1).expireEvery(2);
    for (int i = 0; i < 5; i++) {
      stream.put("k", ("before-" + i).getBytes(StandardCharsets.UTF_8)); // LATEST skips these
    }
    FetchBuffer buffer = new FetchBuffer(1 << 20);
    java.util.concurrent.Semaphore firstIdleSleep = new java.util.concurrent.Semaphore(0);
    java.util.concurrent.atomic.AtomicBoolean gated =
        new java.util.concurrent.atomic.AtomicBoolean();
    Sleeper gate =
        d -> {
          if (gated.compareAndSet(false, true)) {
            firstIdleSleep.acquire(); // held until the test has put the new records
          }
        };
    ShardFetcher fetcher =
        new ShardFetcher(
            stream,
            SHARD,
            StartPosition.latest(),
            null,
            null,
            buffer,
            FAST,
            gate,
            new AtomicLong(),
            new RunnerEvents(),
            java.time.Clock.systemUTC());
    Thread t = new Thread(fetcher);
    t.start();
    try {
      FetchedBatch first = buffer.poll(5_000); // call 1: empty, caught up; then the held sleep
      assertThat(first.records()).isEmpty();
      List<String> put = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        put.add(stream.put("k", ("after-" + i).getBytes(StandardCharsets.UTF_8)).sequenceNumber());
      }
      firstIdleSleep.release(); // call 2 finds the iterator expired: it is renewed

      List<String> read = new ArrayList<>();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!read.containsAll(put) && System.nanoTime() < deadline) {
        FetchedBatch b = buffer.poll(100);
        if (b != null) {
          b.records().forEach(r -> read.add(r.sequenceNumber()));
        }
      }
      assertThat(read).containsAll(put);
      assertThat(stream.iteratorRequests.get(0).type()).isEqualTo(StartPosition.Type.LATEST);
      assertThat(stream.iteratorRequests.get(1).type())
          .as("the renewal, at the time of the first request")
          .isEqualTo(StartPosition.Type.AT_TIMESTAMP);
    } finally {
      fetcher.stop();
      t.interrupt();
      t.join(5_000);
    }
  }
}
