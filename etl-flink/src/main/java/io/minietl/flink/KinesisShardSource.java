package io.minietl.flink;

import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source of the records of one Kinesis stream, over etl-kinesis's {@code StreamProxy}
 * (the SDK client, which works on Kinesis and both emulators): splits are shards, assigned by
 * {@link ShardEnumerator} with the runner's shard rules against the committed manifest. Why not
 * Flink's Kinesis connector: docs/DESIGN.md, "The Flink job".
 *
 * <p>Unbounded unless {@code stopWhenIdle} is set; then it ends once every shard is idle (the job
 * still runs as a streaming job with checkpoints: its final commit is at the end of input).
 */
public final class KinesisShardSource
    implements Source<KinesisElement, ShardSplit, EnumeratorState> {
  private static final long serialVersionUID = 1L;

  private final JobConnections connections;
  private final FlinkJobOptions options;

  public KinesisShardSource(JobConnections connections, FlinkJobOptions options) {
    this.connections = connections;
    this.options = options;
  }

  @Override
  public Boundedness getBoundedness() {
    return options.stopWhenIdle() == null ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
  }

  @Override
  public SourceReader<KinesisElement, ShardSplit> createReader(SourceReaderContext context) {
    return ShardSourceReader.create(connections.open(), options, context);
  }

  @Override
  public SplitEnumerator<ShardSplit, EnumeratorState> createEnumerator(
      SplitEnumeratorContext<ShardSplit> context) {
    return new ShardEnumerator(
        context, options, connections.open(), new EnumeratorState(Set.of(), List.of()));
  }

  @Override
  public SplitEnumerator<ShardSplit, EnumeratorState> restoreEnumerator(
      SplitEnumeratorContext<ShardSplit> context, EnumeratorState checkpoint) {
    return new ShardEnumerator(context, options, connections.open(), checkpoint);
  }

  @Override
  public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
    return ShardSplitSerializer.INSTANCE;
  }

  @Override
  public SimpleVersionedSerializer<EnumeratorState> getEnumeratorCheckpointSerializer() {
    return EnumeratorState.SERIALIZER;
  }
}
