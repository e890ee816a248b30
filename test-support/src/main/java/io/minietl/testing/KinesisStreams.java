package io.minietl.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Test helpers on any {@link KinesisClient}: an emulator's ({@link KinesisEmulator} delegates here)
 * or real LocalStack's. Thread safe; every method blocks.
 */
public final class KinesisStreams {
  private static final AtomicLong NAMES = new AtomicLong();
  private static final int MAX_PUT_ENTRIES = 500;
  private static final long MAX_PUT_BYTES = 4L * 1024 * 1024;
  private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(30);

  private KinesisStreams() {}

  /**
   * A stream name no other call in this JVM returns: {@code prefix} (reduced to the characters
   * Kinesis allows), a random part and a counter.
   */
  public static String uniqueStreamName(String prefix) {
    String clean = prefix.replaceAll("[^a-zA-Z0-9_.-]", "-");
    if (clean.length() > 80) {
      clean = clean.substring(0, 80);
    }
    return clean
        + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36)
        + "-"
        + NAMES.incrementAndGet();
  }

  /** Creates the stream and waits until it is ACTIVE; returns its name. */
  public static String createStream(KinesisClient client, String name, int shards) {
    if (shards < 1) {
      throw new IllegalArgumentException("Invalid shard count " + shards + ": must be >= 1");
    }
    client.createStream(b -> b.streamName(name).shardCount(shards));
    awaitActive(client, name);
    return name;
  }

  /**
   * Polls DescribeStreamSummary every 20 ms until the stream is ACTIVE (after CreateStream,
   * SplitShard, MergeShards, UpdateShardCount). The SDK's waiter polls every 10 s.
   *
   * @throws IllegalStateException if it is not ACTIVE within 30 s
   */
  public static StreamDescriptionSummary awaitActive(KinesisClient client, String name) {
    long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
    while (true) {
      StreamDescriptionSummary summary =
          client.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary();
      if (summary.streamStatus() == StreamStatus.ACTIVE) {
        return summary;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Cannot use stream "
                + name
                + ": still "
                + summary.streamStatus()
                + " after "
                + ACTIVE_TIMEOUT);
      }
      sleep(20);
    }
  }

  /** An entry with the data as UTF-8. */
  public static PutRecordsRequestEntry entry(String partitionKey, String data) {
    return PutRecordsRequestEntry.builder()
        .partitionKey(partitionKey)
        .data(SdkBytes.fromUtf8String(data))
        .build();
  }

  /**
   * Puts the entries with PutRecords in batches of at most 500 entries and 4 MB, retrying entries
   * that fail (throttled) with backoff until all are in.
   *
   * <p>A retried entry lands after entries put later in its batch, so the order per partition key
   * holds only when nothing is retried: tests of ordering should take the order from the sequence
   * numbers returned, or put with PutRecord.
   *
   * @return one result per entry, in the entries' order (shard id and sequence number)
   * @throws IllegalStateException if some entries still fail after 50 attempts
   */
  public static List<PutRecordsResultEntry> putRecords(
      KinesisClient client, String streamName, List<PutRecordsRequestEntry> entries) {
    PutRecordsResultEntry[] results = new PutRecordsResultEntry[entries.size()];
    int from = 0;
    while (from < entries.size()) {
      int to = from;
      long bytes = 0;
      while (to < entries.size() && to - from < MAX_PUT_ENTRIES) {
        PutRecordsRequestEntry entry = entries.get(to);
        long size = entry.data().asByteBuffer().remaining() + entry.partitionKey().length();
        if (to > from && bytes + size > MAX_PUT_BYTES) {
          break;
        }
        bytes += size;
        to++;
      }
      putBatch(client, streamName, entries, from, to, results);
      from = to;
    }
    return List.of(results);
  }

  private static void putBatch(
      KinesisClient client,
      String streamName,
      List<PutRecordsRequestEntry> entries,
      int from,
      int to,
      PutRecordsResultEntry[] results) {
    List<Integer> pending = new ArrayList<>();
    for (int i = from; i < to; i++) {
      pending.add(i);
    }
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      if (attempt == 50) {
        throw new IllegalStateException(
            "Cannot put " + pending.size() + " records to " + streamName + " after 50 attempts");
      }
      if (attempt > 0) {
        sleep(Math.min(1000, 20L << Math.min(attempt, 5)));
      }
      List<PutRecordsRequestEntry> batch = new ArrayList<>(pending.size());
      pending.forEach(i -> batch.add(entries.get(i)));
      PutRecordsResponse response;
      try {
        response = client.putRecords(b -> b.streamName(streamName).records(batch));
      } catch (ProvisionedThroughputExceededException e) {
        continue;
      }
      List<Integer> failed = new ArrayList<>();
      for (int k = 0; k < batch.size(); k++) {
        PutRecordsResultEntry result = response.records().get(k);
        if (result.errorCode() == null) {
          results[pending.get(k)] = result;
        } else {
          failed.add(pending.get(k));
        }
      }
      pending = failed;
    }
  }

  /**
   * Reads every record of the stream with GetRecords from TRIM_HORIZON: shard by shard in shard id
   * order, each until its end (a closed shard) or until it is caught up (an empty page with
   * MillisBehindLatest 0). For checking what a test put; records put meanwhile may be missed.
   */
  public static List<Record> readAll(KinesisClient client, String streamName) {
    List<Record> records = new ArrayList<>();
    for (Shard shard : listShards(client, streamName)) {
      records.addAll(readShard(client, streamName, shard.shardId()));
    }
    return records;
  }

  /** Every shard of the stream, open and closed, in shard id order (ListShards, paginated). */
  public static List<Shard> listShards(KinesisClient client, String streamName) {
    List<Shard> shards = new ArrayList<>();
    String next = null;
    do {
      ListShardsRequest request =
          next == null
              ? ListShardsRequest.builder().streamName(streamName).build()
              : ListShardsRequest.builder().nextToken(next).build();
      ListShardsResponse response = client.listShards(request);
      shards.addAll(response.shards());
      next = response.nextToken();
    } while (next != null);
    shards.sort(Comparator.comparing(Shard::shardId));
    return shards;
  }

  /** Reads one shard from TRIM_HORIZON until its end or until it is caught up. */
  public static List<Record> readShard(KinesisClient client, String streamName, String shardId) {
    List<Record> records = new ArrayList<>();
    String iterator =
        client
            .getShardIterator(
                b ->
                    b.streamName(streamName)
                        .shardId(shardId)
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
            .shardIterator();
    while (iterator != null) {
      String current = iterator;
      GetRecordsResponse page;
      try {
        page = client.getRecords(b -> b.shardIterator(current).limit(10_000));
      } catch (ProvisionedThroughputExceededException e) {
        sleep(200);
        continue;
      }
      records.addAll(page.records());
      iterator = page.nextShardIterator();
      Long behind = page.millisBehindLatest();
      if (page.records().isEmpty() && (behind == null || behind == 0L)) {
        break;
      }
    }
    return records;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }
}
