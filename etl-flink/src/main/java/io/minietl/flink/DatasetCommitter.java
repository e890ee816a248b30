package io.minietl.flink;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.metrics.MetricNames;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits each checkpoint's {@link DatasetCommittable} as the next manifest version through
 * etl-core's {@link ManifestLog} (the conditional PUT), the same commit as the runner's: the added
 * shards and error files with their statistics, and the Kinesis positions, in one object.
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
  private final JobConnections.Opened connections;
  private final ManifestLog log;
  private final Clock clock;
  private volatile DatasetState state; // read by the manifest-version gauge's reporter thread
  private final Counter commits;

  DatasetCommitter(
      FlinkJobOptions options,
      JobConnections.Opened connections,
      Clock clock,
      MetricGroup metrics) {
    this.commits = metrics.counter(MetricNames.COMMITS);
    metrics.gauge(MetricNames.MANIFEST_VERSION, () -> state == null ? -1L : state.version());
    this.options = options;
    this.connections = connections;
    this.log = new ManifestLog(connections.store());
    this.clock = clock;
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
    while (true) {
      Manifest manifest =
          state
              .nextVersion()
              .writerId(options.writerId())
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

  private static Map<String, ShardCheckpoint> merged(
      Map<String, ShardCheckpoint> committed, Map<String, ShardCheckpoint> positions) {
    var out = new java.util.TreeMap<>(committed);
    out.putAll(positions);
    return out;
  }

  /** Whether the committable is already in {@code s} (a replay after a restore). */
  static boolean isLive(DatasetCommittable c, DatasetState s) {
    // One manifest version holds all of a committable's files or none: one tells.
    if (!c.shards().isEmpty()) {
      return s.containsShard(c.shards().get(0).path());
    }
    if (!c.errorFiles().isEmpty()) {
      String path = c.errorFiles().get(0).path();
      return s.errorFiles().stream().anyMatch(f -> f.path().equals(path));
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
  public void close() {
    connections.close();
  }
}
