package io.minietl.flink;

import io.minietl.kinesis.ExpiredIteratorException;
import io.minietl.kinesis.RecordBatch;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.StreamRecord;
import io.minietl.kinesis.ThrottledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the shards assigned to one source reader, on Flink's fetcher thread: each {@link #fetch()}
 * makes at most one GetRecords call, on the shard whose next call is due first, with the runner's
 * rules (page size from {@code callBytes} over the last average record size, at least {@code
 * minCallInterval} between calls on a shard, {@code idlePollInterval} on a caught-up quiet shard,
 * backoff on throttling and other transient errors, a new iterator after the last record on an
 * expired one). A shard read to its end yields a {@link SourceItem.Kind#SHARD_END} marker and
 * finishes its split.
 */
final class ShardSplitReader implements SplitReader<SourceItem, ShardSplit> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardSplitReader.class);
  private static final int FIRST_CALL_RECORDS = 100;
  private static final long MAX_WAIT_NANOS = Duration.ofMillis(100).toNanos();
  private static final long BACKOFF_BASE_NANOS = Duration.ofMillis(100).toNanos();
  private static final long BACKOFF_CAP_NANOS = Duration.ofSeconds(10).toNanos();

  private final StreamProxy stream;
  private final FlinkJobOptions options;
  private final AtomicBoolean stopRequested;
  private final Map<String, Shard> shards = new LinkedHashMap<>();
  private final Object wakeLock = new Object();
  private boolean woken;

  /** One shard being read. */
  private static final class Shard {
    final ShardSplit split;
    String iterator;
    String lastSequence;
    int limit;
    long nextCallNanos;
    long lastRecordNanos;
    int failures;
    boolean caughtUp;
    boolean reportedIdle;

    Shard(ShardSplit split, int limit, long now) {
      this.split = split;
      this.limit = limit;
      this.nextCallNanos = now;
      this.lastRecordNanos = now;
    }
  }

  ShardSplitReader(StreamProxy stream, FlinkJobOptions options, AtomicBoolean stopRequested) {
    this.stream = stream;
    this.options = options;
    this.stopRequested = stopRequested;
  }

  @Override
  public RecordsWithSplitIds<SourceItem> fetch() {
    if (stopRequested.get()) {
      // Bounded mode, every shard idle: finish every split where it is.
      Set<String> all = Set.copyOf(shards.keySet());
      shards.clear();
      return new RecordsBySplits<>(Map.of(), all);
    }
    long now = System.nanoTime();
    Shard due = null;
    for (Shard s : shards.values()) {
      if (due == null || s.nextCallNanos < due.nextCallNanos) {
        due = s;
      }
    }
    if (due == null || due.nextCallNanos > now) {
      long wait = due == null ? MAX_WAIT_NANOS : Math.min(MAX_WAIT_NANOS, due.nextCallNanos - now);
      waitForWakeUp(wait);
      return idleChanges(System.nanoTime());
    }
    return read(due, now);
  }

  private RecordsWithSplitIds<SourceItem> read(Shard s, long callStarted) {
    String shardId = s.split.shardId();
    try {
      if (s.iterator == null) {
        StartPosition from =
            s.lastSequence == null
                ? s.split.start()
                : StartPosition.afterSequenceNumber(s.lastSequence);
        s.iterator = stream.shardIterator(shardId, from);
      }
      RecordBatch batch = stream.getRecords(s.iterator, s.limit);
      s.failures = 0;
      List<StreamRecord> records = batch.records();
      List<SourceItem> items = new ArrayList<>(records.size() + 1);
      StartPosition start = s.split.start();
      for (StreamRecord r : records) {
        // Resumed inside a KPL aggregate: its user records up to the committed one are in.
        if (!start.isPast(r)) {
          items.add(SourceItem.record(shardId, r));
        }
      }
      long now = System.nanoTime();
      if (!records.isEmpty()) {
        s.lastSequence = records.get(records.size() - 1).sequenceNumber();
        s.limit = batch.nextLimit(options.callBytes(), options.recordsPerCall());
        s.lastRecordNanos = now;
      }
      if (batch.isShardEnd()) {
        items.add(SourceItem.marker(SourceItem.Kind.SHARD_END, shardId));
        shards.remove(shardId);
        Map<String, Collection<SourceItem>> bySplit = new HashMap<>();
        bySplit.put(shardId, items);
        return new RecordsBySplits<>(bySplit, Set.of(shardId));
      }
      s.iterator = batch.nextIterator();
      s.caughtUp = batch.millisBehindLatest() == 0;
      boolean quiet = records.isEmpty() && s.caughtUp;
      s.nextCallNanos =
          callStarted + (quiet ? options.idlePollInterval() : options.minCallInterval()).toNanos();
      Map<String, Collection<SourceItem>> bySplit = new HashMap<>();
      addIdleChange(s, now, items);
      if (!items.isEmpty()) {
        bySplit.put(shardId, items);
      }
      return new RecordsBySplits<>(bySplit, Set.of());
    } catch (ExpiredIteratorException e) {
      s.iterator = null; // renew after the last record emitted: nothing lost or repeated
      return idleChanges(System.nanoTime());
    } catch (ThrottledException e) {
      backOff(s, callStarted);
      return idleChanges(System.nanoTime());
    } catch (RuntimeException e) {
      backOff(s, callStarted);
      if (s.failures > 3) {
        LOG.warn("Cannot read shard {} (attempt {}): {}", shardId, s.failures, e.toString());
      }
      return idleChanges(System.nanoTime());
    }
  }

  private void backOff(Shard s, long now) {
    s.failures++;
    long cap = Math.min(BACKOFF_CAP_NANOS, BACKOFF_BASE_NANOS << Math.min(20, s.failures - 1));
    s.nextCallNanos = now + ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
  }

  /** Idle markers (bounded mode) of shards whose idleness changed without a call. */
  private RecordsWithSplitIds<SourceItem> idleChanges(long now) {
    Map<String, Collection<SourceItem>> bySplit = new HashMap<>();
    for (Shard s : shards.values()) {
      List<SourceItem> items = new ArrayList<>(1);
      addIdleChange(s, now, items);
      if (!items.isEmpty()) {
        bySplit.put(s.split.shardId(), items);
      }
    }
    return new RecordsBySplits<>(bySplit, Set.of());
  }

  /**
   * With stop-when-idle, a shard is idle once it is caught up with no record for that long, as the
   * runner's; the enumerator ends the job when every shard is.
   */
  private void addIdleChange(Shard s, long now, List<SourceItem> items) {
    Duration idleAfter = options.stopWhenIdle();
    if (idleAfter == null) {
      return;
    }
    boolean idle = s.caughtUp && now - s.lastRecordNanos >= idleAfter.toNanos();
    if (idle != s.reportedIdle) {
      s.reportedIdle = idle;
      items.add(
          SourceItem.marker(
              idle ? SourceItem.Kind.IDLE : SourceItem.Kind.ACTIVE, s.split.shardId()));
    }
  }

  private void waitForWakeUp(long nanos) {
    synchronized (wakeLock) {
      if (!woken) {
        try {
          wakeLock.wait(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      woken = false;
    }
  }

  @Override
  public void handleSplitsChanges(SplitsChange<ShardSplit> change) {
    if (!(change instanceof SplitsAddition)) {
      throw new UnsupportedOperationException("Unsupported split change " + change);
    }
    long now = System.nanoTime();
    for (ShardSplit split : change.splits()) {
      shards.put(
          split.shardId(),
          new Shard(split, Math.min(FIRST_CALL_RECORDS, options.recordsPerCall()), now));
    }
  }

  @Override
  public void wakeUp() {
    synchronized (wakeLock) {
      woken = true;
      wakeLock.notifyAll();
    }
  }

  @Override
  public void close() {
    shards.clear();
  }
}
