package io.minietl.kinesis;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.StreamIdentity;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The check every writer (the runner, the Flink job) makes at start, before it reads a record: the
 * dataset's checkpoint must belong to the stream being read (item 3 of issue 10). A dataset that
 * names no stream (format 1, or new) adopts this one's at the writer's next commit, with a warning
 * when it has a checkpoint; one of another stream stops the writer, unless {@code resetCheckpoint},
 * which commits an empty checkpoint for this stream at once (the data stays). One place for the
 * rule and its lines, so an operator reads one message whichever writer met the dataset.
 *
 * @param streamName the stream as the user named it ({@code --stream})
 * @param identity that stream's identity, from {@link StreamProxy#identity()}
 * @param writerId the writer id of the reset commit
 * @param snapshotInterval the snapshot interval of the reset commit
 * @param resetCheckpoint whether {@code --reset-checkpoint} was given
 */
public record StreamCheck(
    String streamName,
    StreamIdentity identity,
    String writerId,
    int snapshotInterval,
    boolean resetCheckpoint) {

  public StreamCheck {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(writerId, "writerId");
  }

  /**
   * {@code state} (the latest committed version of {@code log}) if the writer may go on from it, or
   * the version after it that resets the checkpoint for {@link #identity()}.
   *
   * @param messages the adoption warning and the reset line go here
   * @throws StreamMismatchException if the checkpoint belongs to another stream and no reset was
   *     asked for (a configuration error: exit 2)
   */
  public DatasetState apply(
      ManifestLog log, DatasetState state, Instant now, Consumer<String> messages) {
    while (true) {
      StreamIdentity recorded = state.stream();
      if (recorded == null) {
        if (!state.checkpoint().isEmpty()) {
          messages.accept(
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
      if (!resetCheckpoint) {
        // One line, key facts first (the CLIs cut lines at 300 characters).
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
          state.nextVersion().writerId(writerId).committedAt(now).stream(identity)
              .checkpoint(Map.of())
              .snapshotInterval(snapshotInterval)
              .build();
      if (log.commit(reset) == ManifestLog.Outcome.COMMITTED) {
        DatasetState after = state.apply(reset);
        messages.accept(
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
