package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.format.ShardCompression;
import io.minietl.kinesis.StartPosition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The job's defaults are the runner's, as each accessor's Javadoc and the README state them. */
class FlinkJobOptionsTest {
  @Test
  void theDefaultsAreTheDocumentedOnes() {
    FlinkJobOptions options = FlinkJobOptions.builder().build();

    assertThat(options.initialPosition().type()).isEqualTo(StartPosition.Type.TRIM_HORIZON);
    assertThat(options.targetShardBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(options.maxShardRows()).isEqualTo(1_000_000);
    assertThat(options.compression()).isEqualTo(ShardCompression.ZSTD);
    assertThat(options.rowsPerBatch()).isEqualTo(2048);
    assertThat(options.recordsPerCall()).isEqualTo(10_000);
    assertThat(options.callBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(options.minCallInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(options.idlePollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.shardDiscoveryInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.stopWhenIdle()).isNull();
    assertThat(options.snapshotInterval()).isEqualTo(10);
    assertThat(options.commitDeadline()).isEqualTo(Duration.ofMinutes(5));
    assertThat(options.writerId()).startsWith("flink-");
    assertThat(options.resetCheckpoint()).isFalse();
  }

  @Test
  void aSettingOfOneBuilderDoesNotReachTheNext() {
    // The shared defaults are read, never written: each builder starts from the same values.
    FlinkJobOptions.builder().maxShardRows(5).targetShardBytes(7).build();

    assertThat(FlinkJobOptions.builder().build().maxShardRows()).isEqualTo(1_000_000);
    assertThat(FlinkJobOptions.builder().build().targetShardBytes()).isEqualTo(64L << 20);
  }
}
