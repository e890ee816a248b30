package io.minietl.ingest;

import io.minietl.core.error.ErrorRecord;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.manifest.CommitStateUnknownException;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.core.record.InvalidReason;
import io.minietl.core.record.ParseResult;
import io.minietl.core.record.Provenance;
import io.minietl.core.record.RecordParser;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.ShardCoordinator;
import io.minietl.kinesis.ShardDescription;
import io.minietl.kinesis.StreamCheck;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.StreamRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The ingest runner: reads every shard of a Kinesis stream, parses and enriches each record with
 * etl-core, writes Arrow shards and error files to the dataset, and commits each with the Kinesis
 * positions that produced it in one manifest version (docs/DESIGN.md, "Exactly once").
 *
 * <p>Threads: one fetcher per Kinesis shard being read, feeding a byte-bounded buffer; the thread
 * that calls {@link #run()} does all parsing, writing and committing, so the commit logic is
 * single-threaded. {@link #stop()} may be called from any thread (a signal handler).
 *
 * <p>{@code run()} returns when {@link #stop()} was called or, with {@link
 * IngestOptions#stopWhenIdle()}, when every shard is caught up and quiet; either way after a final
 * commit. It throws {@link FencedException} when another runner commits positions of shards this
 * one reads; other unchecked exceptions mean a failure that retries could not mend. In every case
 * what was committed is consistent: a restart resumes after the last committed position.
 */
public final class IngestRunner {
  private static final String WORD_COUNT = "word_count";
  private static final int STORE_ATTEMPTS = 8;

  private final StreamProxy stream;
  private final ObjectStore store;
  private final IngestOptions options;
  private final Consumer<String> progressOut;
  private final RunListener listener;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ManifestLog log;
  private final RecordParser parser;
  private final FeatureRegistry features;
  private final ShardCoordinator coordinator;
  private final FetchBuffer buffer;
  private final AtomicLong fetchRetries = new AtomicLong();
  private final RunnerEvents events = new RunnerEvents();
  private final Set<String> reportedExpired = new HashSet<>();
  private final Map<String, Reader> readers = new LinkedHashMap<>();
  private volatile boolean stopRequested;

  private DatasetState state;
  private StagingDirectory staging;
  private PendingCommit pending;
  private StreamIdentity identity;
  private boolean discoveryRequested = true;
  private Instant lastDiscovery = Instant.MIN;
  private Instant nextDiscovery = Instant.MIN;
  private Backoff discoveryBackoff;
  private Instant discoveryFailingSince;
  private String discoveryError;
  private boolean discovered;
  private Instant lastRecordAt;
  private long recordsRead;
  private long rowsWritten;
  private long errorRecords;
  private long warnings;
  private long commits;
  private long bytesRead;
  private long storeRetries;
  private long reuploads;
  private Progress lastProgress;

  /** One shard being read: its fetcher, thread and the latest lag it reported. */
  private static final class Reader {
    final ShardFetcher fetcher;
    final Thread thread;
    final List<String> parents;
    long millisBehindLatest = -1; // -1 until the first GetRecords answer
    boolean lastPageEmpty; // caught up means an empty page at 0 behind, not a full one

    Reader(ShardFetcher fetcher, Thread thread, List<String> parents) {
      this.fetcher = fetcher;
      this.thread = thread;
      this.parents = parents;
    }
  }

  private record Progress(Instant at, long records, long bytes) {}

  IngestRunner(
      StreamProxy stream,
      ObjectStore store,
      IngestOptions options,
      Consumer<String> progressOut,
      Clock clock,
      Sleeper sleeper) {
    this(stream, store, options, progressOut, RunListener.NONE, clock, sleeper);
  }

  IngestRunner(
      StreamProxy stream,
      ObjectStore store,
      IngestOptions options,
      Consumer<String> progressOut,
      RunListener listener,
      Clock clock,
      Sleeper sleeper) {
    this.listener = listener;
    this.stream = stream;
    this.store = store;
    this.options = options;
    this.progressOut = progressOut;
    this.clock = clock;
    this.sleeper = sleeper;
    this.log =
        new ManifestLog(
            store,
            ManifestLog.DEFAULT_UNKNOWN_BACKOFF,
            ManifestLog.DEFAULT_MAX_UNKNOWN_BACKOFF,
            clock);
    this.parser =
        RecordParser.builder()
            .maxRecordBytes(options.maxRecordBytes())
            .maxNestingDepth(options.maxNestingDepth())
            .build();
    this.features = options.features();
    this.coordinator = new ShardCoordinator(options.initialPosition());
    this.buffer = new FetchBuffer(options.bufferBytes());
  }

  /**
   * A runner reading {@code stream} into the dataset of {@code store}, printing progress lines to
   * {@code progressOut}.
   */
  public static IngestRunner create(
      StreamProxy stream, ObjectStore store, IngestOptions options, Consumer<String> progressOut) {
    return new IngestRunner(
        Objects.requireNonNull(stream, "stream"),
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(options, "options"),
        Objects.requireNonNull(progressOut, "progressOut"),
        Clock.systemUTC(),
        Sleeper.SYSTEM);
  }

  /**
   * A runner as {@link #create(StreamProxy, ObjectStore, IngestOptions, Consumer)} makes it, that
   * also tells {@code listener} what it does (metrics, health).
   */
  public static IngestRunner create(
      StreamProxy stream,
      ObjectStore store,
      IngestOptions options,
      Consumer<String> progressOut,
      RunListener listener) {
    return new IngestRunner(
        Objects.requireNonNull(stream, "stream"),
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(options, "options"),
        Objects.requireNonNull(progressOut, "progressOut"),
        Objects.requireNonNull(listener, "listener"),
        Clock.systemUTC(),
        Sleeper.SYSTEM);
  }

  /** Asks {@link #run()} to commit what it has read and return. Safe from any thread. */
  public void stop() {
    stopRequested = true;
  }

  /** Runs until stopped or idle (see the class comment); returns what it did. */
  public RunSummary run() {
    Throwable failure = null;
    try {
      return runToTheEnd();
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      listener.stopped(failure);
    }
  }

  private RunSummary runToTheEnd() {
    Instant started = clock.instant();
    lastRecordAt = started;
    lastProgress = new Progress(started, 0, 0);
    state = log.load();
    listener.started(state.version(), state.stats(WORD_COUNT));
    checkStream(started);
    // Also deletes the staging files of runners that were killed (see StagingDirectory).
    staging = StagingDirectory.open(options.tempDir());
    try {
      pending = new PendingCommit(options, staging.path(), started);
      loop();
      commit(clock.instant());
    } finally {
      stopReaders();
      if (pending != null) {
        pending.close();
      }
      staging.close();
    }
    RunSummary summary =
        new RunSummary(
            recordsRead,
            rowsWritten,
            errorRecords,
            warnings,
            commits,
            state.version(),
            state.stats(WORD_COUNT),
            Duration.between(started, clock.instant()));
    progressOut.accept(finalLine(summary));
    return summary;
  }

  private void loop() {
    while (true) {
      FetchedBatch batch;
      try {
        batch = buffer.poll(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      RuntimeException fatal = events.fatal();
      if (fatal != null) {
        throw fatal; // nothing pending is committed: it may not belong to the checkpoint's stream
      }
      events.drainNotices().forEach(progressOut);
      Instant now = clock.instant();
      if (batch != null) {
        process(batch, now);
      }
      if (pending.shouldRoll(now)) {
        commit(now);
      }
      if ((discoveryRequested
              || !now.isBefore(lastDiscovery.plus(options.shardDiscoveryInterval())))
          && !now.isBefore(nextDiscovery)) {
        discover(now);
      }
      if (!now.isBefore(lastProgress.at().plus(options.progressInterval()))) {
        progressOut.accept(progressLine(now));
        events.drainFailures(options.verbose()).forEach(progressOut);
      }
      listener.tick(buffer.bufferedBytes(), stalled(now));
      if (stopRequested || isIdle(now)) {
        return;
      }
    }
  }

  private void process(FetchedBatch batch, Instant now) {
    String shardId = batch.shardId();
    int rows = 0;
    for (StreamRecord r : batch.records()) {
      recordsRead++;
      bytesRead += r.data().length;
      if (r.aggregateError() != null) {
        pending.addError(
            ErrorRecord.builder()
                .reason(InvalidReason.KPL_CORRUPT)
                .message(r.aggregateError())
                .shardId(shardId)
                .sequenceNumber(r.sequenceNumber())
                .partitionKey(r.partitionKey())
                .approximateArrivalTime(r.approximateArrivalTime())
                .raw(r.data())
                .build());
        errorRecords++;
        continue;
      }
      ParseResult result = parser.parse(r.data());
      if (result.isValid()) {
        long[] values = features.computeAll(result.article());
        pending.addRow(
            result.article(),
            Provenance.of(
                shardId,
                r.sequenceNumber(),
                r.partitionKey(),
                r.approximateArrivalTime(),
                now,
                r.subSequenceNumber()),
            values);
        rowsWritten++;
        rows++;
        warnings += result.warnings().size();
        if (pending.isFull()) {
          // Mid-batch: the limits hold exactly; the rest of the batch goes to the next shard.
          commit(now);
        }
      } else {
        pending.addError(
            ErrorRecord.builder()
                .reason(result.reason())
                .message(result.message())
                .shardId(shardId)
                .sequenceNumber(r.sequenceNumber())
                .partitionKey(r.partitionKey())
                .approximateArrivalTime(r.approximateArrivalTime())
                .subSequenceNumber(r.subSequenceNumber())
                .raw(r.data())
                .build());
        errorRecords++;
        listener.errorRecord(result.reason().code());
      }
    }
    listener.recordsRead(batch.records().size(), rows);
    if (!batch.records().isEmpty()) {
      // When the batch was processed, not when it was taken: a large batch can take longer to
      // process than the idle wait, and the wait counts from the last record handled.
      lastRecordAt = clock.instant();
    }
    Reader reader = readers.get(shardId);
    if (reader != null) {
      reader.millisBehindLatest = batch.millisBehindLatest();
      reader.lastPageEmpty = batch.records().isEmpty();
      listener.shardLag(shardId, batch.millisBehindLatest());
    }
    if (batch.shardEnd()) {
      listener.shardEnded(shardId);
      pending.endShard(shardId);
      readers.remove(shardId);
    }
  }

  /**
   * Uploads what is pending and commits it with its positions as the next manifest version,
   * retrying on conflicts with other writers unless they moved shards this runner reads.
   *
   * <p>One logical commit has one commit id over all its attempts. No manifest create is sent for
   * files uploaded longer ago than the {@linkplain IngestOptions#commitDeadline() commit deadline}:
   * they are uploaded again under new names first, so gc (whose grace is far longer) cannot have
   * deleted what the manifest lists. An attempt whose outcome stayed unknown past the deadline may
   * still land later; the runner recognises it by its commit id wherever it meets it.
   */
  private void commit(Instant now) {
    if (pending.isEmpty()) {
      return;
    }
    Instant began = clock.instant();
    PendingCommit.Sealed sealed = pending.seal();
    String commitId = UUID.randomUUID().toString();
    Uploaded uploaded = upload(sealed, clock.instant());
    boolean earlierAttemptUnknown = false;
    while (true) {
      if (!clock.instant().isBefore(uploaded.deadline())) {
        reuploads++;
        uploaded = upload(sealed, clock.instant());
      }
      Manifest manifest = manifest(sealed, uploaded, commitId, now);
      ManifestLog.Outcome outcome;
      try {
        outcome = log.commit(manifest, uploaded.deadline());
      } catch (CommitStateUnknownException e) {
        listener.commitFailed(e);
        earlierAttemptUnknown = true;
        outcome = null; // catch up: the attempt may have landed, or may land later
      }
      if (outcome == ManifestLog.Outcome.COMMITTED) {
        // After an unknown outcome, what landed may be an earlier attempt (other file names).
        Manifest landed =
            earlierAttemptUnknown ? log.read(manifest.version()).orElseThrow() : manifest;
        state = state.apply(landed);
        break;
      }
      if (outcome != null) {
        listener.commitConflict(); // another writer took the version: catch up, try again
      }
      if (catchUp(manifest, sealed.positions().keySet())) {
        break; // an earlier attempt of this commit landed
      }
    }
    commits++;
    listener.committed(
        state.version(), Duration.between(began, clock.instant()), state.stats(WORD_COUNT));
    pending.close();
    pending = new PendingCommit(options, staging.path(), now);
    if (!sealed.endedShards().isEmpty()) {
      discoveryRequested = true; // children of the ended shards may start now
    }
  }

  /** The keys and entries of one upload of a sealed commit, and its commit deadline. */
  private record Uploaded(ShardEntry shardEntry, ErrorFileEntry errorEntry, Instant deadline) {}

  private Uploaded upload(PendingCommit.Sealed sealed, Instant startedAt) {
    String partId = partId(startedAt);
    LocalDate day = LocalDate.ofInstant(startedAt, ZoneOffset.UTC);
    ShardEntry shardEntry = null;
    if (sealed.shardFile() != null) {
      String key = ManifestPaths.dataShardKey(day, partId);
      retrying("upload " + key, () -> store.put(key, sealed.shardFile()));
      shardEntry = sealed.shardEntry(key);
    }
    ErrorFileEntry errorEntry = null;
    if (sealed.errorFile() != null) {
      String key = ManifestPaths.errorFileKey(day, partId);
      retrying("upload " + key, () -> store.put(key, sealed.errorFile()));
      errorEntry = sealed.errorEntry(key);
    }
    return new Uploaded(shardEntry, errorEntry, startedAt.plus(options.commitDeadline()));
  }

  private Manifest manifest(
      PendingCommit.Sealed sealed, Uploaded uploaded, String commitId, Instant now) {
    DatasetState.NextVersion next =
        state.nextVersion().writerId(options.writerId()).commitId(commitId).stream(identity)
            .committedAt(now)
            .snapshotInterval(options.snapshotInterval());
    if (uploaded.shardEntry() != null) {
      next.addShard(uploaded.shardEntry());
    }
    if (uploaded.errorEntry() != null) {
      next.addErrorFile(uploaded.errorEntry());
    }
    sealed.positions().forEach(next::updateCheckpoint);
    return next.build();
  }

  /**
   * Applies every version committed since {@link #state}, one at a time: our own commit ({@code
   * mine}'s writer and commit id) is taken as committed; another writer's that moved a shard this
   * runner reads fences it.
   *
   * @return whether one of them was our own commit
   */
  private boolean catchUp(Manifest mine, Set<String> committing) {
    boolean found = false;
    while (true) {
      Optional<Manifest> next = log.read(state.version() + 1);
      if (next.isEmpty()) {
        return found;
      }
      Manifest m = next.get();
      DatasetState after = state.apply(m);
      if (ManifestLog.isOwnCommit(m, mine)) {
        found = true;
      } else {
        requireNotFenced(after, committing, found);
      }
      state = after;
    }
  }

  /**
   * Runs a storage call, retrying transient failures with backoff. The store's client retries first
   * (the AWS SDK does, for 5xx and timeouts); this outer loop rides out longer outages.
   */
  private void retrying(String what, Runnable call) {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    while (true) {
      try {
        call.run();
        return;
      } catch (RuntimeException e) {
        listener.commitFailed(e); // unhealthy until a commit succeeds
        if (backoff.failures() >= STORE_ATTEMPTS - 1) {
          throw e;
        }
        storeRetries++;
        try {
          sleeper.sleep(backoff.nextDelay());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private void requireNotFenced(DatasetState theirs, Set<String> committing, boolean ownLanded) {
    Set<String> mine = new HashSet<>(committing);
    mine.addAll(readers.keySet());
    for (String shard : mine) {
      ShardCheckpoint before = state.checkpoint().get(shard);
      ShardCheckpoint after = theirs.checkpoint().get(shard);
      if (!Objects.equals(before, after)) {
        throw new FencedException(
            "Stopped: another runner ("
                + theirs.writerId()
                + ") committed Kinesis shard "
                + shard
                + " of stream "
                + stream.streamName()
                + " to "
                + log.location()
                + " (manifest v"
                + theirs.version()
                + "). Run one runner per dataset; "
                + (ownLanded
                    ? "this runner's last commit landed before it."
                    : "nothing of this runner's last shard was committed."));
      }
    }
  }

  /**
   * Item 3 of issue 10: the dataset's checkpoint must belong to the stream being read ({@link
   * StreamCheck}, the rule the Flink job applies too). A dataset without an identity (format 1, or
   * new) adopts this stream's at its next commit; one of another stream stops the run, unless
   * {@link IngestOptions#resetCheckpoint()}, which commits an empty checkpoint for this stream at
   * once (the data stays).
   */
  private void checkStream(Instant now) {
    identity = stream.identity(); // a start-up failure: a configuration error (exit 2)
    long before = state.version();
    state =
        new StreamCheck(
                stream.streamName(),
                identity,
                options.writerId(),
                options.snapshotInterval(),
                options.resetCheckpoint())
            .apply(log, state, now, progressOut);
    if (state.version() != before && options.writerId().equals(state.writerId())) {
      commits++; // the reset
    }
  }

  /**
   * Lists the shards and starts those that may start. A failure of the first listing is a
   * configuration error (the run never started); later ones (a throttle, a network blip) are
   * retried with backoff, counted, and shown in the progress lines once they last.
   */
  private void discover(Instant now) {
    discoveryRequested = false;
    lastDiscovery = now;
    List<ShardDescription> shards;
    try {
      shards = stream.listShards();
    } catch (StreamMismatchException | io.minietl.kinesis.StreamNotFoundException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!discovered) {
        throw e;
      }
      if (discoveryBackoff == null) {
        discoveryBackoff = new Backoff(Duration.ofMillis(200), options.shardDiscoveryInterval());
        discoveryFailingSince = now;
      }
      discoveryError = RunnerEvents.describe(e);
      events.failure("ListShards", e, now);
      nextDiscovery = now.plus(discoveryBackoff.nextDelay());
      discoveryRequested = true;
      return;
    }
    discovered = true;
    discoveryBackoff = null;
    discoveryFailingSince = null;
    discoveryError = null;
    reportExpired(shards);
    Set<String> busy = new HashSet<>(readers.keySet());
    for (ShardDescription s : shards) {
      // Ended in the pending commit, not yet closed in the committed checkpoint.
      if (!readers.containsKey(s.shardId()) && pendingEnded(s.shardId())) {
        busy.add(s.shardId());
      }
    }
    for (ShardCoordinator.Assignment a : coordinator.assignable(shards, state.checkpoint(), busy)) {
      startReader(a);
    }
  }

  /** Item 1: open shards of the checkpoint that aged out, reported once per run each. */
  private void reportExpired(List<ShardDescription> shards) {
    coordinator
        .expiredOpenShards(shards, state.checkpoint())
        .forEach(
            (id, cp) -> {
              if (reportedExpired.add(id)) {
                progressOut.accept(
                    "DATA LOST: shard "
                        + id
                        + " of stream "
                        + stream.streamName()
                        + " aged out of the stream's retention before it was read to its end:"
                        + " its records after the committed sequence number "
                        + cp.sequenceNumber()
                        + (cp.arrivalTime() != null ? " (arrived " + cp.arrivalTime() + ")" : "")
                        + " are gone (Kinesis does not say how many). Its children start now.");
              }
            });
  }

  private boolean pendingEnded(String shardId) {
    return pending.endedShards().contains(shardId);
  }

  private void startReader(ShardCoordinator.Assignment a) {
    ShardFetcher fetcher =
        new ShardFetcher(
            stream,
            a.shardId(),
            a.start(),
            state.checkpoint().get(a.shardId()),
            identity,
            buffer,
            new ShardFetcher.Settings(
                options.recordsPerCall(),
                options.callBytes(),
                options.minCallInterval(),
                options.idlePollInterval(),
                Duration.ofMillis(100),
                Duration.ofSeconds(10)),
            sleeper,
            fetchRetries,
            events,
            clock);
    Thread thread = new Thread(fetcher, "fetch-" + a.shardId());
    thread.setDaemon(true);
    readers.put(a.shardId(), new Reader(fetcher, thread, a.parentShardIds()));
    thread.start();
  }

  private boolean isIdle(Instant now) {
    Duration idle = options.stopWhenIdle();
    if (idle == null || now.isBefore(lastRecordAt.plus(idle)) || buffer.bufferedBytes() > 0) {
      return false;
    }
    for (Reader r : readers.values()) {
      // kinesalite reports 0 behind on every page: a full page, or a failing call (a starved
      // machine), is not "caught up" however quiet the other shards are.
      if (r.millisBehindLatest != 0 || !r.lastPageEmpty || r.fetcher.failingSince() != null) {
        return false;
      }
    }
    if (!pending.isEmpty() && pending.hasEndedShards()) {
      return false;
    }
    // Last look for shards that may start (children of shards closed by the last commit).
    int before = readers.size();
    discover(now);
    // A failed look proves nothing: not idle until ListShards answers.
    return readers.size() == before && discoveryFailingSince == null;
  }

  private void stopReaders() {
    for (Reader r : readers.values()) {
      r.fetcher.stop();
      r.thread.interrupt();
    }
    for (Reader r : readers.values()) {
      try {
        r.thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** What is stalled now, as the progress line names it (for the health endpoint). */
  private List<String> stalled(Instant now) {
    List<String> out = null; // allocated only when something is stalled (once per loop turn)
    for (Reader r : readers.values()) {
      Instant since = r.fetcher.failingSince();
      if (since != null && !now.isBefore(since.plus(options.stallWarning()))) {
        out = out == null ? new java.util.ArrayList<>() : out;
        out.add("shard " + r.fetcher.shardId() + " failing since " + since);
      }
    }
    if (discoveryFailingSince != null
        && !now.isBefore(discoveryFailingSince.plus(options.stallWarning()))) {
      out = out == null ? new java.util.ArrayList<>() : out;
      out.add("shard discovery (ListShards) failing since " + discoveryFailingSince);
    }
    return out == null ? List.of() : out;
  }

  private FeatureStats runningWordCount() {
    return state.stats(WORD_COUNT).plus(pending.wordCounts().snapshot());
  }

  private String progressLine(Instant now) {
    double seconds = Math.max(1e-3, Duration.between(lastProgress.at(), now).toMillis() / 1000.0);
    double recordsPerSecond = (recordsRead - lastProgress.records()) / seconds;
    double mbPerSecond = (bytesRead - lastProgress.bytes()) / seconds / 1e6;
    lastProgress = new Progress(now, recordsRead, bytesRead);
    long behind = 0;
    int unanswered = 0;
    StringBuilder stalled = new StringBuilder();
    for (Reader r : readers.values()) {
      behind = Math.max(behind, r.millisBehindLatest);
      if (!r.fetcher.answered()) {
        unanswered++; // MillisBehindLatest -1 must not pass for "caught up"
      }
      Instant since = r.fetcher.failingSince();
      if (since != null && !now.isBefore(since.plus(options.stallWarning()))) {
        stalled.append(
            String.format(
                Locale.ROOT,
                " | STALLED shard %s failing since %s: %s",
                r.fetcher.shardId(),
                since,
                r.fetcher.lastError()));
      }
    }
    if (discoveryFailingSince != null
        && !now.isBefore(discoveryFailingSince.plus(options.stallWarning()))) {
      stalled.append(
          String.format(
              Locale.ROOT,
              " | STALLED shard discovery (ListShards) failing since %s: %s",
              discoveryFailingSince,
              discoveryError));
    }
    FeatureStats wc = runningWordCount();
    return String.format(
            Locale.ROOT,
            "progress: %.0f rec/s, %.2f MB/s | records %d, errors %d | max behind %d ms | open shards %d"
                + " | avg word_count %s | manifest v%d",
            recordsPerSecond,
            mbPerSecond,
            recordsRead,
            errorRecords,
            behind,
            readers.size(),
            wc.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", wc.mean()),
            state.version())
        + (unanswered == 0 ? "" : " | shards without an answer yet " + unanswered)
        + (reuploads == 0 ? "" : " | re-uploads past the commit deadline " + reuploads)
        + stalled;
  }

  private String finalLine(RunSummary s) {
    FeatureStats wc = s.datasetWordCount();
    double seconds = Math.max(1e-3, s.elapsed().toMillis() / 1000.0);
    return String.format(
        Locale.ROOT,
        "final: records %d (rows %d, errors %d) in %.1f s, %.0f rec/s | commits %d | manifest v%d"
            + " | dataset word_count: count %d, avg %s | warnings %d",
        s.recordsRead(),
        s.rowsWritten(),
        s.errorRecords(),
        seconds,
        s.recordsRead() / seconds,
        s.commits(),
        s.manifestVersion(),
        wc.count(),
        wc.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.4f", wc.mean()),
        s.warnings()); // rows kept with a warning (e.g. an unparseable publish_date)
  }

  private String partId(Instant now) {
    return String.format(
        Locale.ROOT, "%013d-%s-%06d", now.toEpochMilli(), shortWriterId(), state.version() + 1);
  }

  private String shortWriterId() {
    String id = options.writerId().replaceAll("[^A-Za-z0-9-]", "");
    return id.length() > 24 ? id.substring(id.length() - 24) : id;
  }
}
