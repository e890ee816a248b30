package io.minietl.flink;

import java.io.IOException;
import java.time.Clock;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The dataset as a Flink Sink V2: writers ({@link DatasetWriter}) → one aggregator ({@link
 * CommitAggregator}, parallelism 1) → the committer ({@link DatasetCommitter}), one manifest
 * version per completed checkpoint. The topology of Apache Iceberg's IcebergSink.
 */
public final class DatasetSink
    implements Sink<KinesisElement>,
        SupportsCommitter<DatasetCommittable>,
        SupportsPreCommitTopology<DatasetCommittable, DatasetCommittable> {
  private static final long serialVersionUID = 1L;

  private final JobConnections connections;
  private final FlinkJobOptions options;

  public DatasetSink(JobConnections connections, FlinkJobOptions options) {
    this.connections = connections;
    this.options = options;
  }

  @Override
  public CommittingSinkWriter<KinesisElement, DatasetCommittable> createWriter(
      WriterInitContext context) throws IOException {
    return new DatasetWriter(
        options,
        connections.open(),
        context.getTaskInfo().getIndexOfThisSubtask(),
        Clock.systemUTC(),
        context.metricGroup());
  }

  /** Required by Flink 1.20 (deprecated there, gone in 2.x); the runtime calls the other one. */
  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public CommittingSinkWriter<KinesisElement, DatasetCommittable> createWriter(InitContext context)
      throws IOException {
    throw new UnsupportedOperationException("Flink calls createWriter(WriterInitContext)");
  }

  @Override
  public Committer<DatasetCommittable> createCommitter(CommitterInitContext context) {
    return new DatasetCommitter(
        options, connections.open(), Clock.systemUTC(), context.metricGroup());
  }

  @Override
  public SimpleVersionedSerializer<DatasetCommittable> getCommittableSerializer() {
    return DatasetCommittable.SERIALIZER;
  }

  @Override
  public SimpleVersionedSerializer<DatasetCommittable> getWriteResultSerializer() {
    return DatasetCommittable.SERIALIZER;
  }

  @Override
  public DataStream<CommittableMessage<DatasetCommittable>> addPreCommitTopology(
      DataStream<CommittableMessage<DatasetCommittable>> writeResults) {
    TypeInformation<CommittableMessage<DatasetCommittable>> type =
        CommittableMessageTypeInfo.of(DatasetSink::serializer);
    // global(): everything to subtask 0 of the aggregator, then of the committer.
    return writeResults
        .global()
        .transform("dataset commit aggregator", type, new CommitAggregator())
        .uid("dataset-commit-aggregator")
        .setParallelism(1)
        .setMaxParallelism(1)
        .global();
  }

  private static SimpleVersionedSerializer<DatasetCommittable> serializer() {
    return DatasetCommittable.SERIALIZER;
  }
}
