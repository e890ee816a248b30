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
   * grace period protects the uploads of a runner that is about to commit them.
   *
   * @return the objects deleted (or that would be)
   */
  public static List<ObjectInfo> collectGarbage(
      ObjectStore store, Duration grace, Instant now, boolean dryRun) {
    DatasetState state = latest(store);
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
