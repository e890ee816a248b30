package io.minietl.ingest;

import io.minietl.kinesis.ExpiredIteratorException;
import io.minietl.kinesis.RecordBatch;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.StreamRecord;
import io.minietl.kinesis.ThrottledException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads one Kinesis shard from a start position to its end (or until stopped) and hands every
 * GetRecords result to the {@link FetchBuffer}. Runs on its own thread.
 *
 * <ul>
 *   <li>Page size: each call asks for {@code callBytes} over the average record size of the
 *       previous page, at most {@code recordsPerCall}; see {@link IngestOptions#callBytes()}.
 *   <li>Pacing: at least {@code minCallInterval} from one call's start to the next (Kinesis allows
 *       5 GetRecords per second per shard), {@code idlePollInterval} when the shard is caught up
 *       and quiet.
 *   <li>Throttling and other transient errors: exponential backoff with jitter, then retry the same
 *       iterator. Nothing is skipped, nothing read twice.
 *   <li>Expired iterator: a new one after the last sequence number handed over (or at the start
 *       position when none was).
 *   <li>Memory: {@link FetchBuffer#put} blocks while the buffer is full, which pauses reading.
 * </ul>
 */
final class ShardFetcher implements Runnable {
  private static final Logger LOG = Logger.getLogger(ShardFetcher.class.getName());

  private final StreamProxy proxy;
  private final String shardId;
  private final StartPosition start;
  private final FetchBuffer buffer;
  private final Settings settings;
  private final Sleeper sleeper;
  private final AtomicLong retries;
  private volatile boolean stopped;

  /**
   * Records asked for by the first call, before the shard's record size is known: small, so that a
   * shard of large records does not come back as one huge page.
   */
  static final int FIRST_CALL_RECORDS = 100;

  /** How a fetcher sizes its calls, paces and retries. */
  record Settings(
      int recordsPerCall,
      long callBytes,
      Duration minCallInterval,
      Duration idlePollInterval,
      Duration backoffBase,
      Duration backoffCap) {}

  ShardFetcher(
      StreamProxy proxy,
      String shardId,
      StartPosition start,
      FetchBuffer buffer,
      Settings settings,
      Sleeper sleeper,
      AtomicLong retries) {
    this.proxy = proxy;
    this.shardId = shardId;
    this.start = start;
    this.buffer = buffer;
    this.settings = settings;
    this.sleeper = sleeper;
    this.retries = retries;
  }

  String shardId() {
    return shardId;
  }

  /** Asks the fetcher to stop after its current call. */
  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    try {
      fetchUntilEnd();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void fetchUntilEnd() throws InterruptedException {
    Backoff backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    String lastSequence = null;
    String iterator = null;
    int limit = Math.min(FIRST_CALL_RECORDS, settings.recordsPerCall());
    while (!stopped) {
      try {
        if (iterator == null) {
          StartPosition from =
              lastSequence == null ? start : StartPosition.afterSequenceNumber(lastSequence);
          iterator = proxy.shardIterator(shardId, from);
        }
        long callStarted = System.nanoTime();
        RecordBatch batch = proxy.getRecords(iterator, limit);
        backoff.reset();
        List<StreamRecord> records = batch.records();
        if (!records.isEmpty()) {
          lastSequence = records.get(records.size() - 1).sequenceNumber();
          limit = nextLimit(records);
        }
        buffer.put(
            FetchedBatch.of(
                shardId,
                records,
                batch.isShardEnd(),
                batch.millisBehindLatest(),
                batch.childShardIds()));
        if (batch.isShardEnd()) {
          return;
        }
        iterator = batch.nextIterator();
        boolean idle = records.isEmpty() && batch.millisBehindLatest() == 0;
        if (idle) {
          sleeper.sleep(settings.idlePollInterval());
        } else {
          // minCallInterval is between call starts (5 calls/s per shard), so the time the call
          // and the hand-over took counts: sleeping the whole interval after a 150 ms call made
          // 2.9 calls/s of 5.
          Duration spent = Duration.ofNanos(System.nanoTime() - callStarted);
          Duration rest = settings.minCallInterval().minus(spent);
          if (!rest.isNegative() && !rest.isZero()) {
            sleeper.sleep(rest);
          }
        }
      } catch (ExpiredIteratorException e) {
        // Renew from the last record handed over; nothing is lost or repeated.
        iterator = null;
        retries.incrementAndGet();
      } catch (ThrottledException e) {
        retries.incrementAndGet();
        sleeper.sleep(backoff.nextDelay());
      } catch (RuntimeException e) {
        retries.incrementAndGet();
        Duration delay = backoff.nextDelay();
        LOG.log(
            backoff.failures() > 3 ? Level.WARNING : Level.FINE,
            "Cannot read shard " + shardId + " (retrying in " + delay.toMillis() + " ms): " + e,
            e);
        sleeper.sleep(delay);
      }
    }
  }

  /** {@code callBytes} over the page's average record size, within 1..recordsPerCall. */
  private int nextLimit(List<StreamRecord> page) {
    long bytes = 0;
    for (StreamRecord r : page) {
      bytes += r.data().length;
    }
    long average = Math.max(1, bytes / page.size());
    return (int) Math.max(1, Math.min(settings.recordsPerCall(), settings.callBytes() / average));
  }
}
