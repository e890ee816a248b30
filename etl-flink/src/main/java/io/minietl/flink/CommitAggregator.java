package io.minietl.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Parallelism 1, between the writers and the committer: merges the writers' committables of each
 * checkpoint into one, so that one checkpoint is one manifest version. The topology of Apache
 * Iceberg's Flink sink (IcebergWriteAggregator, flink/v2.1).
 *
 * <p>Checkpoint ids are the writers': a committable keeps the id the framework gave it. That
 * matters at the end of input (FLINK-37605): the writers' last committables carry "last checkpoint
 * id + 1", the id of the final checkpoint whose completion commits them; an aggregator that tagged
 * them otherwise (older Iceberg code used {@code Long.MAX_VALUE}) silently lost the last rows of a
 * bounded run. A committable without an id (end of input, older runtimes) gets last id + 1.
 */
final class CommitAggregator extends AbstractStreamOperator<CommittableMessage<DatasetCommittable>>
    implements OneInputStreamOperator<
        CommittableMessage<DatasetCommittable>, CommittableMessage<DatasetCommittable>> {
  private static final long serialVersionUID = 1L;

  private transient TreeMap<Long, List<DatasetCommittable>> pending;
  private transient long lastCheckpointId;

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    pending = new TreeMap<>();
    lastCheckpointId = context.getRestoredCheckpointId().orElse(0L);
  }

  @Override
  public void processElement(StreamRecord<CommittableMessage<DatasetCommittable>> element) {
    if (element.getValue() instanceof CommittableWithLineage<DatasetCommittable> c) {
      long id = c.getCheckpointId().orElse(CommittableMessage.EOI);
      pending.computeIfAbsent(id, k -> new ArrayList<>()).add(c.getCommittable());
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) {
    emitUpTo(checkpointId);
    lastCheckpointId = Math.max(lastCheckpointId, checkpointId);
  }

  @Override
  public void finish() throws Exception {
    emitUpTo(CommittableMessage.EOI);
    super.finish();
  }

  private void emitUpTo(long checkpointId) {
    var ready = pending.headMap(checkpointId, true);
    for (Map.Entry<Long, List<DatasetCommittable>> e : ready.entrySet()) {
      long id = e.getKey() == CommittableMessage.EOI ? lastCheckpointId + 1 : e.getKey();
      DatasetCommittable merged = DatasetCommittable.merge(e.getValue());
      output.collect(new StreamRecord<>(new CommittableSummary<>(0, 1, id, 1, 1, 0)));
      output.collect(new StreamRecord<>(new CommittableWithLineage<>(merged, id, 0)));
    }
    ready.clear();
  }
}
