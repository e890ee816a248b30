package io.minietl.ingest;

import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Operations on a dataset that read no data: its latest state, and garbage collection. */
public final class DatasetMaintenance {
  /**
   * The shortest grace period gc accepts: four times the longest {@link
   * IngestOptions#commitDeadline() commit deadline} a runner accepts. A runner sends no manifest
   * create for files uploaded longer ago than its deadline (it uploads them again under new names),
   * so an unlisted file younger than this may still be committed, and one older cannot be, unless a
   * create the store already accepted takes longer than the difference (45 minutes) to apply.
   */
  public static final Duration MINIMUM_GRACE = Duration.ofHours(1);

  private DatasetMaintenance() {}

  /**
   * The dataset at its latest committed version: live shards, checkpoint, statistics and totals.
   * Reads the manifests only (a snapshot and fewer than a snapshot interval of deltas).
   */
  public static DatasetState latest(ObjectStore store) {
    return new ManifestLog(store).load();
  }

  /**
   * Deletes (or with {@code dryRun} only lists) the shard and error files no manifest lists that
   * are older than {@code grace}: uploads of commits that lost a race, crashed or were fenced. The
   * grace period protects the uploads of a runner that is about to commit them; it must be at least
   * {@link #MINIMUM_GRACE}.
   *
   * @return the objects deleted (or that would be)
   * @throws IllegalArgumentException if {@code grace} is shorter than {@link #MINIMUM_GRACE}, or
   *     the store holds no manifest (a mistyped prefix: gc only ever deletes inside a dataset)
   */
  public static List<ObjectInfo> collectGarbage(
      ObjectStore store, Duration grace, Instant now, boolean dryRun) {
    return collectGarbage(store, grace, MINIMUM_GRACE, now, dryRun);
  }

  /**
   * {@link #collectGarbage(ObjectStore, Duration, Instant, boolean)} with another floor for the
   * grace period: for tests only, which need uploads to be garbage at once. The CLI takes it from
   * the test-only environment variable {@code MINIETL_TESTING_GC_MINIMUM_GRACE}, never from a flag.
   */
  public static List<ObjectInfo> collectGarbage(
      ObjectStore store, Duration grace, Duration minimumGrace, Instant now, boolean dryRun) {
    if (grace.isNegative() || grace.compareTo(minimumGrace) < 0) {
      throw new IllegalArgumentException(
          "Invalid grace period "
              + grace.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
              + ": it must be at least "
              + minimumGrace.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
              + ", so that no upload a runner may still commit is deleted");
    }
    DatasetState state = latest(store);
    if (state.version() == 0) {
      throw new IllegalArgumentException(
          "Cannot collect garbage in "
              + store.location()
              + ": it has no manifest ("
              + ManifestPaths.MANIFEST_DIR
              + " is empty). Check the dataset location: gc only deletes inside a dataset");
    }
    Set<String> live = new HashSet<>(state.shardsByPath().keySet());
    state.errorFiles().forEach(f -> live.add(f.path()));
    Instant cutoff = now.minus(grace);
    List<ObjectInfo> garbage = new ArrayList<>();
    for (String dir : List.of(ManifestPaths.DATA_DIR, ManifestPaths.ERRORS_DIR)) {
      for (ObjectInfo o : store.list(dir, null)) {
        if (!live.contains(o.key()) && o.lastModified().isBefore(cutoff)) {
          garbage.add(o);
        }
      }
    }
    if (!dryRun) {
      garbage.forEach(o -> store.delete(o.key()));
    }
    return garbage;
  }
}
