package io.minietl.ingest;

import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordReader;
import io.minietl.core.format.ShardReader;
import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/** Reads a whole dataset back through its manifest, for assertions. */
public final class Datasets {
  private Datasets() {}

  public record Contents(DatasetState state, List<ShardRow> rows, List<ErrorRecord> errors) {}

  public static Contents read(ObjectStore store) {
    DatasetState state = new ManifestLog(store).load();
    List<ShardRow> rows = new ArrayList<>();
    for (ShardEntry shard : state.shards()) {
      byte[] bytes = store.get(shard.path()).orElseThrow();
      try (ShardReader reader = ShardReader.open(bytes)) {
        rows.addAll(reader.readRows());
      }
    }
    List<ErrorRecord> errors = new ArrayList<>();
    for (ErrorFileEntry file : state.errorFiles()) {
      byte[] bytes = store.get(file.path()).orElseThrow();
      errors.addAll(ErrorRecordReader.readAllGzip(new ByteArrayInputStream(bytes)));
    }
    return new Contents(state, rows, errors);
  }
}
