package io.minietl.ingest;

import io.minietl.core.stats.FeatureStats;
import java.time.Duration;
import java.util.List;

/**
 * What an {@link IngestRunner} tells an observer (metrics, health) as it runs. Every method is
 * called on the thread that runs {@link IngestRunner#run()}, must return quickly and must not
 * throw; an implementation that others read from other threads (a metrics endpoint) publishes
 * safely itself. Every method does nothing by default.
 */
public interface RunListener {
  /** A listener that ignores everything. */
  RunListener NONE = new RunListener() {};

  /** The dataset was loaded: its latest version and its committed word-count statistics. */
  default void started(long manifestVersion, FeatureStats wordCount) {}

  /** A batch of {@code records} Kinesis records was processed, {@code rows} of them valid. */
  default void recordsRead(int records, int rows) {}

  /** One record went to the error output with this reason code. */
  default void errorRecord(String reason) {}

  /** A GetRecords answer of {@code shardId} said it is this far behind the tip of its shard. */
  default void shardLag(String shardId, long millisBehindLatest) {}

  /** {@code shardId} was read to its end (it has no lag any more). */
  default void shardEnded(String shardId) {}

  /**
   * A manifest version was committed, {@code took} after the commit began (uploads and retries
   * included), leaving the dataset with these word-count statistics.
   */
  default void committed(long manifestVersion, Duration took, FeatureStats wordCount) {}

  /** A commit attempt lost a manifest version to another writer (it catches up and retries). */
  default void commitConflict() {}

  /** A commit attempt failed (an upload, or a manifest create with an unknown outcome). */
  default void commitFailed(Throwable failure) {}

  /**
   * Once per turn of the processing loop: bytes waiting in the fetch buffer, and the shards (or
   * {@code "shard discovery"}) whose calls have failed for longer than the stall limit.
   */
  default void tick(long bufferedBytes, List<String> stalled) {}

  /** {@code run()} is returning: {@code failure} is null after a clean stop. */
  default void stopped(Throwable failure) {}
}
