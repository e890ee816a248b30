package io.minietl.flink;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job graph: the Kinesis source into the dataset sink, both at the environment's parallelism
 * and chained (a shard's records reach the writer of the subtask that read them, in order). The
 * caller enables checkpointing: the checkpoint interval is the commit interval.
 */
public final class EtlFlinkJob {
  private EtlFlinkJob() {}

  /** Adds the pipeline to {@code env}. */
  public static void addTo(
      StreamExecutionEnvironment env, JobConnections connections, FlinkJobOptions options) {
    if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
      throw new IllegalArgumentException(
          "Checkpointing is off: the job commits at checkpoints; enable it (the commit interval)");
    }
    // A bounded source (stop-when-idle) would otherwise let AUTOMATIC pick batch mode, which has
    // no checkpoints.
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.fromSource(
            new KinesisShardSource(connections, options),
            WatermarkStrategy.noWatermarks(),
            "kinesis " + connections.streamName(),
            TypeInformation.of(KinesisElement.class))
        .uid("kinesis-source")
        .sinkTo(new DatasetSink(connections, options))
        .uid("dataset-sink")
        .name("dataset " + connections.dataset());
  }
}
