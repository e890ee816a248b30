package io.minietl.flink;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/**
 * The source reader of one subtask: one fetcher thread reads every shard assigned here ({@link
 * ShardSplitReader}); the task thread emits the records, tracks the last sequence number of each
 * split for Flink checkpoints and reports shard ends and idleness to the enumerator.
 */
final class ShardSourceReader
    extends SingleThreadMultiplexSourceReaderBase<
        SourceItem, KinesisElement, ShardSplit, ShardSplitState> {
  private final AtomicBoolean stopRequested;
  private final JobConnections.Opened connections;

  private ShardSourceReader(
      JobConnections.Opened connections,
      FlinkJobOptions options,
      AtomicBoolean stopRequested,
      SourceReaderContext context) {
    super(
        () -> new ShardSplitReader(connections.stream(), options, stopRequested),
        new Emitter(context::sendSourceEventToCoordinator),
        new Configuration(),
        context);
    this.stopRequested = stopRequested;
    this.connections = connections;
  }

  @Override
  public void close() throws Exception {
    try {
      super.close();
    } finally {
      connections.close();
    }
  }

  static ShardSourceReader create(
      JobConnections.Opened connections, FlinkJobOptions options, SourceReaderContext context) {
    return new ShardSourceReader(connections, options, new AtomicBoolean(), context);
  }

  @Override
  public void start() {
    // Ask for work once: the enumerator assigns by discovery, not on request.
    context.sendSplitRequest();
  }

  @Override
  protected void onSplitFinished(Map<String, ShardSplitState> finished) {
    // Ends were reported as they were emitted (Emitter); idle splits finish only on StopReading.
  }

  @Override
  protected ShardSplitState initializedState(ShardSplit split) {
    return new ShardSplitState(split);
  }

  @Override
  protected ShardSplit toSplitType(String splitId, ShardSplitState state) {
    return state.toSplit();
  }

  @Override
  public void handleSourceEvents(SourceEvent event) {
    if (event instanceof SourceEvents.StopReading) {
      stopRequested.set(true);
    } else {
      super.handleSourceEvents(event);
    }
  }

  /** Emits records and end markers downstream; sends shard ends and idleness upstream. */
  private static final class Emitter
      implements RecordEmitter<SourceItem, KinesisElement, ShardSplitState> {
    private final Consumer<SourceEvent> toEnumerator;

    Emitter(Consumer<SourceEvent> toEnumerator) {
      this.toEnumerator = toEnumerator;
    }

    @Override
    public void emitRecord(
        SourceItem item, SourceOutput<KinesisElement> output, ShardSplitState state) {
      switch (item.kind()) {
        case RECORD -> {
          var r = item.record();
          output.collect(
              KinesisElement.record(
                  item.shardId(),
                  r.sequenceNumber(),
                  r.subSequenceNumber(),
                  r.partitionKey(),
                  r.approximateArrivalTime(),
                  r.data(),
                  r.aggregateError()));
          state.emitted(r.sequenceNumber(), r.subSequenceNumber());
        }
        case SHARD_END -> {
          output.collect(KinesisElement.endOf(item.shardId()));
          toEnumerator.accept(new SourceEvents.ShardEnded(item.shardId()));
        }
        case IDLE -> toEnumerator.accept(new SourceEvents.ShardIdle(item.shardId(), true));
        case ACTIVE -> toEnumerator.accept(new SourceEvents.ShardIdle(item.shardId(), false));
      }
    }
  }
}
