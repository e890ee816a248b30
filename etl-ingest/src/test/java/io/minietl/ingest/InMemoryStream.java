package io.minietl.ingest;

import io.minietl.core.manifest.StreamIdentity;
import io.minietl.kinesis.ExpiredIteratorException;
import io.minietl.kinesis.InvalidPositionException;
import io.minietl.kinesis.RecordBatch;
import io.minietl.kinesis.ShardDescription;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.StreamRecord;
import io.minietl.kinesis.ThrottledException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory Kinesis stream for tests of the runner's logic: shards with parents (split, merge),
 * records with 25-digit sequence numbers (beyond 64 bits, like the real ones), and injected
 * failures (throttling, expired iterators, ListShards failures). It can also age data out, which
 * the emulators cannot: trim the oldest records of a shard, expire a whole shard, delete the
 * stream. Each instance has its own creation time, so two streams of one name (a stream deleted and
 * created again) have different identities. Thread-safe (coarse lock).
 */
final class InMemoryStream implements StreamProxy {
  private static final AtomicInteger CREATED = new AtomicInteger();

  private final String name;
  private final Instant creationTime =
      Instant.parse("2026-01-01T00:00:00Z").plusSeconds(CREATED.incrementAndGet());
  private volatile boolean deleted;
  private volatile int failListShards;
  private int listShardsCalls;
  final AtomicInteger listShardsFailures = new AtomicInteger();
  final AtomicInteger invalidPositions = new AtomicInteger();

  /** The start position of every GetShardIterator call, in call order. */
  final List<StartPosition> iteratorRequests = new CopyOnWriteArrayList<>();

  private final Map<String, Shard> shards = new LinkedHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger shardCounter = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  /** The limit of every getRecords call, in call order. */
  final List<Integer> limits = new CopyOnWriteArrayList<>();

  private volatile int throttleEveryNthCall;
  private volatile int expireEveryNthCall;
  final AtomicInteger throttled = new AtomicInteger();
  final AtomicInteger expired = new AtomicInteger();

  /** Hash keys are in [0, HASH_SPACE); each shard owns a range, as in Kinesis. */
  private static final int HASH_SPACE = 1 << 20;

  private static final class Shard {
    final String id;
    final List<String> parents;
    final int hashFrom; // inclusive
    final int hashTo; // exclusive
    final List<StreamRecord> records = new ArrayList<>();
    int trimmed; // records[0..trimmed) aged out of retention
    boolean closed;

    Shard(String id, List<String> parents, int hashFrom, int hashTo) {
      this.id = id;
      this.parents = parents;
      this.hashFrom = hashFrom;
      this.hashTo = hashTo;
    }
  }

  InMemoryStream(String name, int shardCount) {
    this.name = name;
    for (int i = 0; i < shardCount; i++) {
      newShard(
          List.of(),
          HASH_SPACE / shardCount * i,
          i == shardCount - 1 ? HASH_SPACE : HASH_SPACE / shardCount * (i + 1));
    }
  }

  /** Every n-th GetRecords call fails with throttling (0: never). */
  InMemoryStream throttleEvery(int n) {
    this.throttleEveryNthCall = n;
    return this;
  }

  /** Every n-th GetRecords call fails with an expired iterator (0: never). */
  InMemoryStream expireEvery(int n) {
    this.expireEveryNthCall = n;
    return this;
  }

  private synchronized Shard newShard(List<String> parents, int hashFrom, int hashTo) {
    String id = String.format("shardId-%012d", shardCounter.getAndIncrement());
    Shard s = new Shard(id, parents, hashFrom, hashTo);
    shards.put(id, s);
    return s;
  }

  /** Puts a record on the open shard whose hash range holds the key's hash; returns the record. */
  synchronized StreamRecord put(String partitionKey, byte[] data) {
    int hash = Math.floorMod(partitionKey.hashCode() * 0x9E3779B1, HASH_SPACE);
    Shard target =
        shards.values().stream()
            .filter(s -> !s.closed && s.hashFrom <= hash && hash < s.hashTo)
            .findFirst()
            .orElseThrow();
    String seq = String.format("4959%021d", sequence.incrementAndGet());
    StreamRecord r = new StreamRecord(seq, partitionKey, Instant.now(), data);
    target.records.add(r);
    return r;
  }

  /** Closes {@code shardId} and opens two children, each with half its hash range. */
  synchronized List<String> split(String shardId) {
    Shard parent = shards.get(shardId);
    parent.closed = true;
    int mid = parent.hashFrom + (parent.hashTo - parent.hashFrom) / 2;
    return List.of(
        newShard(List.of(shardId), parent.hashFrom, mid).id,
        newShard(List.of(shardId), mid, parent.hashTo).id);
  }

  /** Closes two shards with adjacent hash ranges and opens one child of both. */
  synchronized String merge(String a, String b) {
    Shard x = shards.get(a);
    Shard y = shards.get(b);
    if (x.hashTo != y.hashFrom && y.hashTo != x.hashFrom) {
      throw new IllegalArgumentException("Cannot merge " + a + " and " + b + ": not adjacent");
    }
    x.closed = true;
    y.closed = true;
    return newShard(List.of(a, b), Math.min(x.hashFrom, y.hashFrom), Math.max(x.hashTo, y.hashTo))
        .id;
  }

  /** Ages the oldest {@code count} records of {@code shardId} out of retention. */
  synchronized void trim(String shardId, int count) {
    Shard s = shards.get(shardId);
    s.trimmed = Math.min(s.records.size(), s.trimmed + count);
  }

  /** Ages a whole (closed) shard out: ListShards no longer returns it. */
  synchronized void expire(String shardId) {
    shards.remove(shardId);
  }

  /** Deletes the stream: every call fails with {@link StreamNotFoundException}. */
  void delete() {
    deleted = true;
  }

  /**
   * After the first ListShards call (the runner's start-up), the next {@code n} fail with a
   * transient error (a throttle, a network blip).
   */
  InMemoryStream failListShardsAfterTheFirst(int n) {
    this.failListShards = n;
    return this;
  }

  private void requireExists() {
    if (deleted) {
      throw new StreamNotFoundException("Cannot find Kinesis stream " + name + " (injected)", null);
    }
  }

  synchronized List<String> openShardIds() {
    return shards.values().stream().filter(s -> !s.closed).map(s -> s.id).toList();
  }

  @Override
  public String streamName() {
    return name;
  }

  @Override
  public StreamIdentity identity() {
    requireExists();
    return StreamIdentity.of("arn:aws:kinesis:us-east-1:000000000000:stream/" + name, creationTime);
  }

  @Override
  public synchronized List<ShardDescription> listShards() {
    requireExists();
    if (failListShards > 0 && listShardsCalls++ > 0) {
      failListShards--;
      listShardsFailures.incrementAndGet();
      throw new IllegalStateException(
          "Unable to execute HTTP request: Connection reset (injected)");
    }
    List<ShardDescription> out = new ArrayList<>();
    for (Shard s : shards.values()) {
      String first = s.records.isEmpty() ? "0" : s.records.get(0).sequenceNumber();
      String last = s.closed ? String.format("4959%021d", Long.MAX_VALUE / 2) : null;
      out.add(new ShardDescription(s.id, s.parents, first, last));
    }
    return out;
  }

  @Override
  public synchronized String shardIterator(String shardId, StartPosition position) {
    requireExists();
    iteratorRequests.add(position);
    Shard s = shards.get(shardId);
    if (s == null) {
      throw new IllegalArgumentException("No shard " + shardId);
    }
    int index;
    switch (position.type()) {
      case TRIM_HORIZON:
        index = s.trimmed;
        break;
      case LATEST:
        index = s.records.size();
        break;
      case AT_TIMESTAMP:
        index = s.trimmed;
        while (index < s.records.size()
            && s.records.get(index).approximateArrivalTime().isBefore(position.timestamp())) {
          index++;
        }
        break;
      default:
        if (s.trimmed > 0
            && position.sequenceNumber().compareTo(s.records.get(s.trimmed - 1).sequenceNumber())
                <= 0) {
          // As Kinesis: InvalidArgument for a sequence number the shard no longer holds.
          invalidPositions.incrementAndGet();
          throw new InvalidPositionException(
              "Cannot read shard " + shardId + " after " + position.sequenceNumber(), null);
        }
        index = s.trimmed;
        while (index < s.records.size()
            && s.records.get(index).sequenceNumber().compareTo(position.sequenceNumber()) <= 0) {
          index++;
        }
    }
    return shardId + "/" + index;
  }

  @Override
  public synchronized RecordBatch getRecords(String iterator, int limit) {
    requireExists();
    int call = calls.incrementAndGet();
    limits.add(limit);
    if (throttleEveryNthCall > 0 && call % throttleEveryNthCall == 0) {
      throttled.incrementAndGet();
      throw new ThrottledException("Rate exceeded for shard (injected)", null);
    }
    if (expireEveryNthCall > 0 && call % expireEveryNthCall == 0) {
      expired.incrementAndGet();
      throw new ExpiredIteratorException("Iterator expired (injected)", null);
    }
    int slash = iterator.lastIndexOf('/');
    Shard s = shards.get(iterator.substring(0, slash));
    int from = Integer.parseInt(iterator.substring(slash + 1));
    int to = Math.min(s.records.size(), from + limit);
    List<StreamRecord> records = List.copyOf(s.records.subList(from, to));
    boolean end = s.closed && to == s.records.size();
    List<String> children =
        end
            ? shards.values().stream().filter(c -> c.parents.contains(s.id)).map(c -> c.id).toList()
            : List.of();
    long behind = to == s.records.size() ? 0 : 1000;
    return new RecordBatch(records, end ? null : s.id + "/" + to, behind, children);
  }
}
