package io.minietl.flink;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.core.metrics.MetricNames;
import io.minietl.core.storage.ObjectStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each checkpoint's {@link DatasetCommittable} as the next manifest version through
 * etl-core's {@link ManifestLog} (the conditional PUT), the same commit as the runner's: the added
 * shards and error files with their statistics, and the Kinesis positions, in one object. Each
 * version names the stream its checkpoint belongs to (its {@link StreamIdentity}, asked of Kinesis
 * once, at the first commit) and carries one commit id per committable, the same over every retry
 * of it: a version the job writes differs from the runner's only by its writer id.
 *
 * <ul>
 *   <li><b>Replays.</b> Every restore hands the last checkpoint's committable again, committed or
 *       not. One whose files are live in the manifest (or, with no files, whose positions the
 *       manifest already holds or passed) is recognised and is a no-op.
 *   <li><b>Conflicts.</b> Another version won the PUT, or appeared since this committer's last
 *       commit: catch up and retry, unless that writer moved a Kinesis shard this commit covers:
 *       then the job is fenced, a failure Flink must not retry ({@link SuppressRestartsException});
 *       nothing of this checkpoint is visible.
 * </ul>
 */
final class DatasetCommitter implements Committer<DatasetCommittable> {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetCommitter.class);

  private final FlinkJobOptions options;
  private final ObjectStore store;
  private final AutoCloseable connections;
  private final Supplier<StreamIdentity> streamIdentity;
  private StreamIdentity identity; // resolved at the first commit
  private final ManifestLog log;
  private final Clock clock;
  private final String partPrefix;
  private volatile DatasetState state; // read by the manifest-version gauge's reporter thread
  private final Counter commits;
  private long parts;

  DatasetCommitter(
      FlinkJobOptions options,
      JobConnections.Opened connections,
      Clock clock,
      MetricGroup metrics) {
    this(
        options,
        connections.store(),
        () -> connections.stream().identity(),
        connections,
        clock,
        metrics);
  }

  /**
   * Over {@code store}, writing the stream {@code identity} gives (called once, at the first
   * commit); {@code connections} is closed with the committer.
   */
  DatasetCommitter(
      FlinkJobOptions options,
      ObjectStore store,
      Supplier<StreamIdentity> identity,
      AutoCloseable connections,
      Clock clock,
      MetricGroup metrics) {
    this.commits = metrics.counter(MetricNames.COMMITS);
    metrics.gauge(MetricNames.MANIFEST_VERSION, () -> state == null ? -1L : state.version());
    this.options = options;
    this.store = store;
    this.connections = connections;
    this.streamIdentity = identity;
    this.log = new ManifestLog(store);
    this.clock = clock;
    this.partPrefix =
        DatasetWriter.shortWriterId(options.writerId())
            + "-c-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
  }

  @Override
  public void commit(Collection<CommitRequest<DatasetCommittable>> requests) {
    for (CommitRequest<DatasetCommittable> request : requests) {
      DatasetCommittable c = request.getCommittable();
      DatasetState now = state == null ? log.load() : log.refresh(state);
      if (isLive(c, now)) {
        state = now;
        LOG.info("Committable already in manifest v{}: nothing to do", now.version());
        request.signalAlreadyCommitted();
        continue;
      }
      if (state != null) {
        // Versions since our last commit that are not this committable's: another writer's. If it
        // moved a Kinesis shard this committable covers, both are reading that shard: stop, as
        // a lost commit race does (the runner learns the same at its next PUT).
        requireNotFenced(now, c.positions());
      }
      state = now;
      commitOne(c);
    }
  }

  private void commitOne(DatasetCommittable c) {
    if (identity == null) {
      // The enumerator checked at start that the dataset's checkpoint is this stream's (or has no
      // stream yet, which this commit adopts, as the runner's does).
      identity = Objects.requireNonNull(streamIdentity.get(), "stream identity");
    }
    // One logical commit, one id: ManifestLog recognises an attempt of it that landed although
    // its answer was lost, whichever version the retries below build it under.
    String commitId = UUID.randomUUID().toString();
    while (true) {
      if (!clock.instant().isBefore(c.uploadedAt().plus(options.commitDeadline()))) {
        c = uploadedAgain(c);
      }
      Manifest manifest =
          state.nextVersion().writerId(options.writerId()).commitId(commitId).stream(identity)
              .committedAt(clock.instant())
              .snapshotInterval(options.snapshotInterval())
              .addShards(c.shards())
              .addErrorFiles(c.errorFiles())
              .checkpoint(merged(state.checkpoint(), c.positions()))
              .build();
      if (log.commit(manifest) == ManifestLog.Outcome.COMMITTED) {
        state = state.apply(manifest);
        commits.inc();
        LOG.info(
            "Committed manifest v{}: {} shards, {} error files",
            manifest.version(),
            c.shards().size(),
            c.errorFiles().size());
        return;
      }
      DatasetState theirs = log.refresh(state);
      if (isLive(c, theirs)) {
        state = theirs;
        return; // our own earlier attempt, whose answer was lost, won
      }
      requireNotFenced(theirs, c.positions());
      state = theirs;
    }
  }

  /**
   * The committable with its files copied to new names: their upload started longer ago than the
   * commit deadline (a committable restored from an old checkpoint or savepoint, or a long conflict
   * loop), so gc may delete them before, or after, a manifest lists them. A file already gone
   * cannot be committed: the job stops, without restarts, and says how to go on; nothing of this
   * checkpoint is committed, so its records are read again by a job started without that state.
   */
  private DatasetCommittable uploadedAgain(DatasetCommittable c) {
    Instant now = clock.instant();
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<ShardEntry> shards = new ArrayList<>();
    for (ShardEntry s : c.shards()) {
      String key = ManifestPaths.dataShardKey(day, nextPartId(now));
      store.put(key, bytesOf(s.path(), c));
      shards.add(s.toBuilder().path(key).build());
    }
    List<ErrorFileEntry> errorFiles = new ArrayList<>();
    for (ErrorFileEntry f : c.errorFiles()) {
      String key = ManifestPaths.errorFileKey(day, nextPartId(now));
      store.put(key, bytesOf(f.path(), c));
      errorFiles.add(f.toBuilder().path(key).build());
    }
    LOG.warn(
        "Uploaded {} file(s) of a checkpoint again under new names: their upload started at {},"
            + " more than the commit deadline {} ago",
        shards.size() + errorFiles.size(),
        c.uploadedAt(),
        options.commitDeadline());
    return new DatasetCommittable(shards, errorFiles, c.positions(), now);
  }

  private byte[] bytesOf(String key, DatasetCommittable c) {
    return store
        .get(key)
        .orElseThrow(
            () ->
                new SuppressRestartsException(
                    new StaleCommittableException(
                        "Cannot commit a checkpoint whose files were uploaded at "
                            + c.uploadedAt()
                            + ", more than the commit deadline "
                            + options.commitDeadline()
                            + " ago: "
                            + key
                            + " is gone from "
                            + log.location()
                            + " (gc). Restore from a newer checkpoint or savepoint, or start the"
                            + " job without state: it resumes from the manifest and reads these"
                            + " records again.")));
  }

  private String nextPartId(Instant now) {
    return String.format(Locale.ROOT, "%013d-%s-%06d", now.toEpochMilli(), partPrefix, ++parts);
  }

  private static Map<String, ShardCheckpoint> merged(
      Map<String, ShardCheckpoint> committed, Map<String, ShardCheckpoint> positions) {
    var out = new java.util.TreeMap<>(committed);
    out.putAll(positions);
    return out;
  }

  /** Whether the committable is already in {@code s} (a replay after a restore). */
  static boolean isLive(DatasetCommittable c, DatasetState s) {
    // One manifest version holds all of a committable's files or none: one tells.
    if (!c.shards().isEmpty() && s.containsShard(c.shards().get(0).path())) {
      return true;
    }
    if (!c.errorFiles().isEmpty()) {
      String path = c.errorFiles().get(0).path();
      if (s.errorFiles().stream().anyMatch(f -> f.path().equals(path))) {
        return true;
      }
    }
    // Otherwise by its positions: the manifest holds them or passed them. A committable whose
    // files were uploaded again under new names (past the commit deadline) and committed is
    // replayed with its old names after a restore: its positions tell that it is in.
    if (c.positions().isEmpty()) {
      return c.shards().isEmpty() && c.errorFiles().isEmpty();
    }
    for (Map.Entry<String, ShardCheckpoint> e : c.positions().entrySet()) {
      ShardCheckpoint there = s.checkpoint().get(e.getKey());
      if (there == null || !DatasetCommittable.notBehind(there, e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private void requireNotFenced(DatasetState theirs, Map<String, ShardCheckpoint> mine) {
    for (String shard : mine.keySet()) {
      ShardCheckpoint before = state.checkpoint().get(shard);
      ShardCheckpoint after = theirs.checkpoint().get(shard);
      if (!Objects.equals(before, after)) {
        throw new SuppressRestartsException(
            new FencedException(
                "Stopped: another writer ("
                    + theirs.writerId()
                    + ") committed Kinesis shard "
                    + shard
                    + " to "
                    + log.location()
                    + " (manifest v"
                    + theirs.version()
                    + "). Run one writer per dataset; nothing of this checkpoint was committed."));
      }
    }
  }

  @Override
  public void close() throws Exception {
    connections.close();
  }
}
