package io.minietl.ingest;

import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.kinesis.ExpiredIteratorException;
import io.minietl.kinesis.InvalidPositionException;
import io.minietl.kinesis.RecordBatch;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.StreamRecord;
import io.minietl.kinesis.ThrottledException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

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
 *   <li>Expired iterator: a new one after the last sequence number handed over, or, when none was,
 *       at the start position; a LATEST start is renewed AT_TIMESTAMP of the first request, so
 *       records that arrived in between are not skipped.
 *   <li>A position Kinesis no longer holds ({@link InvalidPositionException}): if the stream is
 *       still the one the checkpoint belongs to (same {@linkplain StreamIdentity identity}), the
 *       position was trimmed by retention: report the gap and continue at TRIM_HORIZON, the oldest
 *       record still there. Another stream, or none: stop the run ({@link RunnerEvents#fatal}).
 *   <li>Every retried failure is counted by {@link RunnerEvents} (one line per cause per progress
 *       interval); {@link #failingSince()} tells the runner how long this shard has been failing.
 *   <li>Memory: {@link FetchBuffer#put} blocks while the buffer is full, which pauses reading.
 * </ul>
 */
final class ShardFetcher implements Runnable {
  private final StreamProxy proxy;
  private final String shardId;
  private StartPosition start;
  private final ShardCheckpoint committed;
  private final StreamIdentity identity;
  private final FetchBuffer buffer;
  private final Settings settings;
  private final Sleeper sleeper;
  private final AtomicLong retries;
  private final RunnerEvents events;
  private final Clock clock;
  private volatile boolean stopped;
  private volatile Instant failingSince;
  private volatile String lastError;
  private volatile boolean answered;

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
    this(
        proxy,
        shardId,
        start,
        null,
        null,
        buffer,
        settings,
        sleeper,
        retries,
        new RunnerEvents(),
        Clock.systemUTC());
  }

  /**
   * A fetcher of {@code shardId} from {@code start}; {@code committed} is its committed checkpoint
   * (null if none: for the gap report) and {@code identity} the stream's as the runner checked it
   * at start (null: not checked).
   */
  ShardFetcher(
      StreamProxy proxy,
      String shardId,
      StartPosition start,
      ShardCheckpoint committed,
      StreamIdentity identity,
      FetchBuffer buffer,
      Settings settings,
      Sleeper sleeper,
      AtomicLong retries,
      RunnerEvents events,
      Clock clock) {
    this.proxy = proxy;
    this.shardId = shardId;
    this.start = start;
    this.committed = committed;
    this.identity = identity;
    this.buffer = buffer;
    this.settings = settings;
    this.sleeper = sleeper;
    this.retries = retries;
    this.events = events;
    this.clock = clock;
  }

  String shardId() {
    return shardId;
  }

  /** Since when every call of this fetcher has failed; null while calls succeed. */
  Instant failingSince() {
    return failingSince;
  }

  /** The last failure, while {@link #failingSince()} is set. */
  String lastError() {
    return lastError;
  }

  /** Whether GetRecords has answered at least once. */
  boolean answered() {
    return answered;
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
          Instant requested = clock.instant();
          iterator = proxy.shardIterator(shardId, from);
          if (from.type() == StartPosition.Type.LATEST) {
            // A renewal before the first record must not take a new LATEST (it would skip what
            // arrived in between): from now on, the time of this first request.
            start = StartPosition.atTimestamp(requested);
          }
        }
        long callStarted = System.nanoTime();
        RecordBatch batch = proxy.getRecords(iterator, limit);
        backoff.reset();
        answered = true;
        failingSince = null;
        lastError = null;
        List<StreamRecord> records = batch.records();
        if (!records.isEmpty()) {
          lastSequence = records.get(records.size() - 1).sequenceNumber();
          limit = batch.nextLimit(settings.callBytes(), settings.recordsPerCall());
        }
        if (start.subSequenceNumber() != null) {
          // Resumed inside a KPL aggregate: its user records up to the committed one are in.
          StartPosition from = start;
          records = records.stream().filter(r -> !from.isPast(r)).toList();
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
        failed(e);
        sleeper.sleep(backoff.nextDelay());
      } catch (InvalidPositionException e) {
        String from = lastSequence != null ? lastSequence : start.sequenceNumber();
        if (!continueAfterInvalidPosition(from, lastSequence == null, e)) {
          return;
        }
        lastSequence = null;
        start = StartPosition.trimHorizon();
        iterator = null;
      } catch (StreamNotFoundException e) {
        events.fatal(e); // the stream is gone: nothing to retry
        return;
      } catch (RuntimeException e) {
        retries.incrementAndGet();
        failed(e);
        sleeper.sleep(backoff.nextDelay());
      }
    }
  }

  private void failed(RuntimeException e) {
    Instant now = clock.instant();
    if (failingSince == null) {
      failingSince = now;
    }
    lastError = RunnerEvents.describe(e);
    events.failure("shard " + shardId, e, now);
  }

  /**
   * Decides, by the stream's identity, what a refused position means: the same stream trimmed it
   * (report the gap, continue at TRIM_HORIZON: true), or the stream is another one, or gone (stop
   * the run: false). A failure to learn the identity is retried like any other.
   */
  private boolean continueAfterInvalidPosition(
      String sequenceNumber, boolean isCommitted, InvalidPositionException e)
      throws InterruptedException {
    StreamIdentity now;
    while (true) {
      try {
        now = proxy.identity();
        break;
      } catch (StreamNotFoundException gone) {
        events.fatal(gone);
        return false;
      } catch (RuntimeException transientFailure) {
        failed(transientFailure);
        sleeper.sleep(settings.backoffCap());
        if (stopped) {
          return false;
        }
      }
    }
    if (identity != null && !identity.equals(now)) {
      events.fatal(
          new StreamMismatchException(
              "Stopped: Kinesis stream "
                  + proxy.streamName()
                  + " is now "
                  + now
                  + ", not "
                  + identity
                  + " which this run started on (deleted and created again?); shard "
                  + shardId
                  + " refused sequence number "
                  + sequenceNumber
                  + ". Restart to check the dataset's checkpoint against it."));
      return false;
    }
    Instant arrival = isCommitted && committed != null ? committed.arrivalTime() : null;
    events.notice(
        "DATA LOST: shard "
            + shardId
            + " of stream "
            + proxy.streamName()
            + " no longer holds "
            + (isCommitted ? "the committed position " : "the position ")
            + sequenceNumber
            + (arrival != null ? " (arrived " + arrival + ")" : "")
            + ": the records after it aged out of the stream's retention before they were read"
            + " (Kinesis does not say how many). Continuing at the oldest record still there"
            + " (TRIM_HORIZON).");
    return true;
  }

  /** {@code callBytes} over the page's average record size, within 1..recordsPerCall. */
}
