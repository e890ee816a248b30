package io.minietl.flink;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.kinesis.ShardCoordinator;
import io.minietl.kinesis.ShardDescription;
import io.minietl.kinesis.StreamCheck;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.StreamProxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands shards to readers by the runner's rules ({@link ShardCoordinator}), against the
 * <em>committed</em> manifest: a shard closed there is never read again, one with a committed
 * sequence number resumes after it, and a child starts only once each parent is closed there. So
 * with no Flink state the job starts from the latest manifest's checkpoint, and a parent's tail is
 * in the dataset before any record of its child is read.
 *
 * <p>Before it assigns any shard, it checks, as the runner does, that the latest manifest's
 * checkpoint belongs to the stream it reads ({@link StreamCheck}): one of another stream fails the
 * job without restarts (restarting cannot help), unless {@code resetCheckpoint}.
 *
 * <p>Every {@code shardDiscoveryInterval} (and after each completed checkpoint) a worker thread
 * lists the shards and catches up with the manifest; the coordinator thread then assigns, round
 * robin over the readers. In bounded mode ({@code stopWhenIdle}) it ends the job once every
 * assigned shard is idle, every ended shard is committed as closed and nothing new can start.
 */
final class ShardEnumerator implements SplitEnumerator<ShardSplit, EnumeratorState> {
  private static final Logger LOG = LoggerFactory.getLogger(ShardEnumerator.class);

  private final SplitEnumeratorContext<ShardSplit> context;
  private final FlinkJobOptions options;
  private final JobConnections.Opened connections;
  private final ShardCoordinator coordinator;
  private final Set<String> assigned;
  private final List<ShardSplit> unassigned;
  private final Set<String> idle = new HashSet<>();
  private final Set<String> ended = new HashSet<>();
  private StreamProxy stream;
  private ManifestLog log;
  private volatile DatasetState committed;
  private volatile boolean streamChecked; // set on the worker thread
  private int nextReader;
  private boolean stopped;

  private record Discovery(List<ShardDescription> shards, DatasetState committed) {}

  ShardEnumerator(
      SplitEnumeratorContext<ShardSplit> context,
      FlinkJobOptions options,
      JobConnections.Opened connections,
      EnumeratorState restored) {
    this.context = context;
    this.options = options;
    this.connections = connections;
    this.coordinator = new ShardCoordinator(options.initialPosition());
    this.assigned = new TreeSet<>(restored.assigned());
    this.unassigned = new ArrayList<>(restored.unassigned());
  }

  @Override
  public void start() {
    stream = connections.stream();
    log = new ManifestLog(connections.store());
    long interval = options.shardDiscoveryInterval().toMillis();
    context.callAsync(this::discover, this::onDiscovery, 0, interval);
  }

  /** On a worker thread: what the stream and the dataset look like now. */
  private Discovery discover() {
    DatasetState known = committed;
    DatasetState now = known == null ? log.load() : log.refresh(known);
    if (!streamChecked) {
      // Until it passes, no discovery reaches onDiscovery, so nothing is assigned; a transient
      // failure of it is retried at the next interval like any other discovery failure.
      now =
          new StreamCheck(
                  stream.streamName(),
                  stream.identity(),
                  options.writerId(),
                  options.snapshotInterval(),
                  options.resetCheckpoint())
              .apply(log, now, Instant.now(), LOG::warn);
      streamChecked = true;
    }
    return new Discovery(stream.listShards(), now);
  }

  /** On the coordinator thread. */
  private void onDiscovery(Discovery d, Throwable error) {
    if (error != null) {
      if (error instanceof StreamNotFoundException) {
        throw (StreamNotFoundException) error;
      }
      if (error instanceof StreamMismatchException) {
        // A configuration error: every restart would meet it again.
        throw new SuppressRestartsException(error);
      }
      LOG.warn("Shard discovery failed (retrying at the next interval): {}", error.toString());
      return;
    }
    committed = d.committed();
    var checkpoint = d.committed().checkpoint();
    assigned.removeIf(id -> closed(checkpoint.get(id)));
    ended.removeIf(id -> closed(checkpoint.get(id)));
    if (stopped) {
      return;
    }
    if (context.registeredReaders().size() < context.currentParallelism()) {
      return; // assign once every reader is there, so that shards spread over all of them
    }
    assignUnassigned();
    Set<String> busy = new HashSet<>(assigned);
    int started = 0;
    for (ShardCoordinator.Assignment a : coordinator.assignable(d.shards(), checkpoint, busy)) {
      assign(new ShardSplit(a.shardId(), a.parentShardIds(), a.start()));
      started++;
    }
    if (options.stopWhenIdle() != null
        && started == 0
        && ended.isEmpty()
        && idle.containsAll(assigned)) {
      stopAll();
    }
  }

  private static boolean closed(ShardCheckpoint c) {
    return c != null && c.closed();
  }

  private void assignUnassigned() {
    List<ShardSplit> again = new ArrayList<>(unassigned);
    unassigned.clear();
    var checkpoint = committed.checkpoint();
    for (ShardSplit s : again) {
      if (!closed(checkpoint.get(s.shardId()))) {
        assign(s);
      }
    }
  }

  private void assign(ShardSplit split) {
    List<Integer> readers = new ArrayList<>(new TreeMap<>(context.registeredReaders()).keySet());
    int reader = readers.get(Math.floorMod(nextReader++, readers.size()));
    LOG.info("Assigning {} to reader {}", split, reader);
    assigned.add(split.shardId());
    idle.remove(split.shardId());
    context.assignSplit(split, reader);
  }

  private void stopAll() {
    stopped = true;
    LOG.info("Every shard is idle: ending the job after a final commit");
    for (int reader : context.registeredReaders().keySet()) {
      context.sendEventToSourceReader(reader, new SourceEvents.StopReading());
      context.signalNoMoreSplits(reader);
    }
  }

  @Override
  public void handleSourceEvent(int subtaskId, SourceEvent event) {
    if (event instanceof SourceEvents.ShardEnded e) {
      ended.add(e.shardId());
      idle.remove(e.shardId());
    } else if (event instanceof SourceEvents.ShardIdle e) {
      if (e.idle()) {
        idle.add(e.shardId());
      } else {
        idle.remove(e.shardId());
      }
    }
  }

  @Override
  public void handleSplitRequest(int subtaskId, String requesterHostname) {
    // Shards are assigned on discovery.
  }

  @Override
  public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
    for (ShardSplit s : splits) {
      assigned.remove(s.shardId());
      idle.remove(s.shardId());
      unassigned.add(s);
    }
  }

  @Override
  public void addReader(int subtaskId) {
    if (stopped) {
      context.sendEventToSourceReader(subtaskId, new SourceEvents.StopReading());
      context.signalNoMoreSplits(subtaskId);
      return;
    }
    if (context.registeredReaders().size() == context.currentParallelism()) {
      context.callAsync(this::discover, this::onDiscovery);
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    // A commit follows each completed checkpoint: children of shards it closes may start.
    if (!stopped) {
      context.callAsync(this::discover, this::onDiscovery);
    }
  }

  @Override
  public EnumeratorState snapshotState(long checkpointId) {
    return new EnumeratorState(assigned, unassigned);
  }

  @Override
  public void close() {
    connections.close();
  }
}
