package io.minietl.flink;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.StreamIdentity;
import io.minietl.kinesis.StreamMismatchException;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The check the runner makes at start ({@code IngestRunner.checkStream}, item 3 of issue 10), for
 * the job: the dataset's checkpoint must belong to the stream being read. A dataset that names no
 * stream (format 1, or new) adopts this one's at the job's next commit (the committer writes it);
 * one of another stream stops the job, unless {@link FlinkJobOptions#resetCheckpoint()}, which
 * commits an empty checkpoint for this stream at once (the data stays). The lines are the runner's,
 * word for word, so an operator reads one message whichever writer met the dataset.
 */
final class StreamCheck {
  private StreamCheck() {}

  /**
   * {@code state} (the latest committed version of {@code log}), or the version after it that
   * resets the checkpoint for {@code identity}.
   *
   * @param warnings the adoption warning and the reset line go here
   * @throws StreamMismatchException if the checkpoint belongs to another stream and no reset was
   *     asked for
   */
  static DatasetState check(
      ManifestLog log,
      DatasetState state,
      String streamName,
      StreamIdentity identity,
      FlinkJobOptions options,
      Instant now,
      Consumer<String> warnings) {
    while (true) {
      StreamIdentity recorded = state.stream();
      if (recorded == null) {
        if (!state.checkpoint().isEmpty()) {
          warnings.accept(
              "warning: the checkpoint of "
                  + log.location()
                  + " names no stream (written before format 2); adopting "
                  + identity
                  + " at the next commit");
        }
        return state;
      }
      if (recorded.equals(identity)) {
        return state;
      }
      if (!options.resetCheckpoint()) {
        // The runner's line (the CLI cuts lines at 300 characters: key facts first).
        throw new StreamMismatchException(
            "Cannot continue "
                + log.location()
                + " from stream "
                + streamName
                + " (created "
                + identity.creationTime()
                + ") without --reset-checkpoint (keeps the data): its checkpoint belongs to "
                + recorded);
      }
      Manifest reset =
          state.nextVersion().writerId(options.writerId()).committedAt(now).stream(identity)
              .checkpoint(Map.of())
              .snapshotInterval(options.snapshotInterval())
              .build();
      if (log.commit(reset) == ManifestLog.Outcome.COMMITTED) {
        DatasetState after = state.apply(reset);
        warnings.accept(
            "reset: the checkpoint of "
                + log.location()
                + " (for "
                + recorded
                + ") is replaced by an empty one for "
                + identity
                + " (manifest v"
                + after.version()
                + "); its data stays");
        return after;
      }
      state = log.refresh(state); // someone committed first: check again
    }
  }
}
