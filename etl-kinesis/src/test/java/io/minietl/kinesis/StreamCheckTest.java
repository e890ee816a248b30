package io.minietl.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.core.storage.InMemoryObjectStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The writers' check at start that the dataset's checkpoint belongs to the stream they read, and
 * its lines (etl-ingest's UnattendedRunnerTest and etl-flink's FlinkCliIT meet them through the
 * runner and the job). On an in-memory store.
 */
class StreamCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  private static final StreamIdentity THIS =
      StreamIdentity.of(
          "arn:aws:kinesis:us-east-1:000000000000:stream/articles",
          Instant.parse("2026-11-30T08:15:00Z"));
  private static final StreamIdentity OLD =
      StreamIdentity.of(
          "arn:aws:kinesis:us-east-1:000000000000:stream/articles",
          Instant.parse("2026-01-05T10:00:00Z"));

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final ManifestLog log = new ManifestLog(store);
  private final List<String> warnings = new ArrayList<>();

  @Test
  void aCheckpointOfAnotherStreamStopsTheJobWithTheRunnersLineAndCommitsNothing() {
    DatasetState state = committed(OLD);

    assertThatThrownBy(() -> check(state, false))
        .isInstanceOf(StreamMismatchException.class)
        .hasMessage(
            "Cannot continue memory://dataset from stream articles (created"
                + " 2026-11-30T08:15:00Z) without --reset-checkpoint (keeps the data): its"
                + " checkpoint belongs to arn:aws:kinesis:us-east-1:000000000000:stream/articles"
                + " (created 2026-01-05T10:00:00Z)");
    assertThat(log.load().version()).isEqualTo(1);
    assertThat(warnings).isEmpty();
  }

  @Test
  void withResetItCommitsAnEmptyCheckpointForThisStreamAtOnce() {
    DatasetState state = committed(OLD);

    DatasetState after = check(state, true);

    assertThat(after.version()).isEqualTo(2);
    Manifest reset = log.read(2).orElseThrow();
    assertThat(reset.writerId()).isEqualTo("flink-test");
    assertThat(reset.stream()).isEqualTo(THIS);
    assertThat(reset.checkpoint()).isEmpty();
    assertThat(reset.committedAt()).isEqualTo(NOW);
    assertThat(log.load().stream()).isEqualTo(THIS);
    assertThat(warnings)
        .containsExactly(
            "reset: the checkpoint of memory://dataset (for"
                + " arn:aws:kinesis:us-east-1:000000000000:stream/articles (created"
                + " 2026-01-05T10:00:00Z)) is replaced by an empty one for"
                + " arn:aws:kinesis:us-east-1:000000000000:stream/articles (created"
                + " 2026-11-30T08:15:00Z) (manifest v2); its data stays");
  }

  @Test
  void aCheckpointThatNamesNoStreamIsAdoptedWithTheRunnersWarning() {
    DatasetState state = committed(null);

    DatasetState after = check(state, false);

    assertThat(after).isSameAs(state);
    assertThat(log.load().version()).isEqualTo(1);
    assertThat(warnings)
        .containsExactly(
            "warning: the checkpoint of memory://dataset names no stream (written before format"
                + " 2); adopting arn:aws:kinesis:us-east-1:000000000000:stream/articles (created"
                + " 2026-11-30T08:15:00Z) at the next commit");
  }

  @Test
  void thisStreamsCheckpointOrANewDatasetPassesSilently() {
    assertThat(check(DatasetState.empty(), false).version()).isZero();
    DatasetState state = committed(THIS);
    assertThat(check(state, true)).isSameAs(state);
    assertThat(log.load().version()).isEqualTo(1);
    assertThat(warnings).isEmpty();
  }

  private DatasetState check(DatasetState state, boolean reset) {
    return new StreamCheck("articles", THIS, "flink-test", 20, reset)
        .apply(log, state, NOW, warnings::add);
  }

  /** Version 1, by the runner, with a checkpoint of {@code stream} (null: none named). */
  private DatasetState committed(StreamIdentity stream) {
    Manifest v1 =
        DatasetState.empty().nextVersion().writerId("runner-1").stream(stream)
            .committedAt(NOW.minusSeconds(60))
            .updateCheckpoint(
                "shardId-000000000000",
                ShardCheckpoint.at("49590338271490256608559692538361571095921575989136588898"))
            .build();
    assertThat(log.commit(v1)).isEqualTo(ManifestLog.Outcome.COMMITTED);
    return log.load();
  }
}
