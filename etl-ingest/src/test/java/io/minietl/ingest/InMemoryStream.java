package io.minietl.ingest;

import io.minietl.ingest.source.ExpiredIteratorException;
import io.minietl.ingest.source.RecordBatch;
import io.minietl.ingest.source.ShardDescription;
import io.minietl.ingest.source.StartPosition;
import io.minietl.ingest.source.StreamProxy;
import io.minietl.ingest.source.StreamRecord;
import io.minietl.ingest.source.ThrottledException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory Kinesis stream for tests of the runner's logic: shards with parents (split, merge),
 * records with 25-digit sequence numbers (beyond 64 bits, like the real ones), and injected
 * failures (throttling, expired iterators). Thread-safe (coarse lock).
 */
final class InMemoryStream implements StreamProxy {
  private final String name;
  private final Map<String, Shard> shards = new LinkedHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicInteger shardCounter = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();
  private volatile int throttleEveryNthCall;
  private volatile int expireEveryNthCall;
  final AtomicInteger throttled = new AtomicInteger();
  final AtomicInteger expired = new AtomicInteger();

  private static final class Shard {
    final String id;
    final List<String> parents;
    final List<StreamRecord> records = new ArrayList<>();
    boolean closed;

    Shard(String id, List<String> parents) {
      this.id = id;
      this.parents = parents;
    }
  }

  InMemoryStream(String name, int shardCount) {
    this.name = name;
    for (int i = 0; i < shardCount; i++) {
      newShard(List.of());
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

  private synchronized Shard newShard(List<String> parents) {
    String id = String.format("shardId-%012d", shardCounter.getAndIncrement());
    Shard s = new Shard(id, parents);
    shards.put(id, s);
    return s;
  }

  /** Puts a record on the open shard its partition key hashes to; returns its sequence number. */
  synchronized StreamRecord put(String partitionKey, byte[] data) {
    List<Shard> open = shards.values().stream().filter(s -> !s.closed).toList();
    Shard target = open.get(Math.floorMod(partitionKey.hashCode(), open.size()));
    String seq = String.format("4959%021d", sequence.incrementAndGet());
    StreamRecord r = new StreamRecord(seq, partitionKey, Instant.now(), data);
    target.records.add(r);
    return r;
  }

  /** Closes {@code shardId} and opens two children. Returns the children's ids. */
  synchronized List<String> split(String shardId) {
    Shard parent = shards.get(shardId);
    parent.closed = true;
    return List.of(newShard(List.of(shardId)).id, newShard(List.of(shardId)).id);
  }

  /** Closes both shards and opens one child of both. Returns the child's id. */
  synchronized String merge(String a, String b) {
    shards.get(a).closed = true;
    shards.get(b).closed = true;
    return newShard(List.of(a, b)).id;
  }

  synchronized List<String> openShardIds() {
    return shards.values().stream().filter(s -> !s.closed).map(s -> s.id).toList();
  }

  @Override
  public String streamName() {
    return name;
  }

  @Override
  public synchronized List<ShardDescription> listShards() {
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
    Shard s = shards.get(shardId);
    if (s == null) {
      throw new IllegalArgumentException("No shard " + shardId);
    }
    int index;
    switch (position.type()) {
      case TRIM_HORIZON:
        index = 0;
        break;
      case LATEST:
        index = s.records.size();
        break;
      case AT_TIMESTAMP:
        index = 0;
        while (index < s.records.size()
            && s.records.get(index).approximateArrivalTime().isBefore(position.timestamp())) {
          index++;
        }
        break;
      default:
        index = 0;
        while (index < s.records.size()
            && s.records.get(index).sequenceNumber().compareTo(position.sequenceNumber()) <= 0) {
          index++;
        }
    }
    return shardId + "/" + index;
  }

  @Override
  public synchronized RecordBatch getRecords(String iterator, int limit) {
    int call = calls.incrementAndGet();
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
