package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.format.ShardCompression;
import io.minietl.kinesis.StartPosition;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The job's defaults and checks are the runner's, as each accessor's Javadoc and the README state
 * them.
 */
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

  @Test
  void aBadSharedSettingIsRejectedAsTheRunnerRejectsIt() {
    FlinkJobOptions.Builder b = FlinkJobOptions.builder();

    assertThatThrownBy(() -> b.recordsPerCall(10_001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid recordsPerCall: 10001 (Kinesis allows 1 to 10000)");
    assertThatThrownBy(() -> b.maxShardRows(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid maxShardRows: 0 (must be > 0)");
    assertThatThrownBy(() -> b.commitDeadline(Duration.ofMinutes(16)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid commitDeadline: PT16M (at most PT15M");
    assertThatThrownBy(() -> b.initialPosition(StartPosition.afterSequenceNumber("1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AFTER_SEQUENCE_NUMBER");
  }

  @Test
  void stopWhenIdleMustBeAboveZeroUnlikeTheRunners() {
    assertThatThrownBy(() -> FlinkJobOptions.builder().stopWhenIdle(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid stop-when-idle: PT0S (must be > 0)");
    assertThat(FlinkJobOptions.builder().stopWhenIdle(null).build().stopWhenIdle()).isNull();
  }

  @Test
  void theSettingsReachTheOptions() {
    FlinkJobOptions options =
        FlinkJobOptions.builder()
            .initialPosition(StartPosition.latest())
            .targetShardBytes(7)
            .maxShardRows(8)
            .compression(ShardCompression.NONE)
            .rowsPerBatch(9)
            .recordsPerCall(10)
            .callBytes(11)
            .minCallInterval(Duration.ofMillis(12))
            .idlePollInterval(Duration.ofMillis(13))
            .shardDiscoveryInterval(Duration.ofMillis(14))
            .stopWhenIdle(Duration.ofMillis(15))
            .snapshotInterval(16)
            .commitDeadline(Duration.ofMinutes(1))
            .maxRecordBytes(17)
            .maxNestingDepth(18)
            .writerId("w")
            .tempDir("/t")
            .resetCheckpoint(true)
            .build();

    assertThat(options.initialPosition().type()).isEqualTo(StartPosition.Type.LATEST);
    assertThat(options.targetShardBytes()).isEqualTo(7);
    assertThat(options.maxShardRows()).isEqualTo(8);
    assertThat(options.compression()).isEqualTo(ShardCompression.NONE);
    assertThat(options.rowsPerBatch()).isEqualTo(9);
    assertThat(options.recordsPerCall()).isEqualTo(10);
    assertThat(options.callBytes()).isEqualTo(11);
    assertThat(options.minCallInterval()).isEqualTo(Duration.ofMillis(12));
    assertThat(options.idlePollInterval()).isEqualTo(Duration.ofMillis(13));
    assertThat(options.shardDiscoveryInterval()).isEqualTo(Duration.ofMillis(14));
    assertThat(options.stopWhenIdle()).isEqualTo(Duration.ofMillis(15));
    assertThat(options.snapshotInterval()).isEqualTo(16);
    assertThat(options.commitDeadline()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.maxRecordBytes()).isEqualTo(17);
    assertThat(options.maxNestingDepth()).isEqualTo(18);
    assertThat(options.writerId()).isEqualTo("w");
    assertThat(options.tempDir()).isEqualTo("/t");
    assertThat(options.resetCheckpoint()).isTrue();
  }
}
