package io.minietl.reader;

import io.minietl.core.format.DatasetSchema;
import io.minietl.core.format.ShardReader;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.storage.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The I/O side of the plan: shard layouts (rows per record batch: from the manifest, or for shards
 * written before it recorded them from the footer by ranged reads), loading one unit (a record
 * batch, projected), and the selection of a filter and split. Thread-safe; layouts and selections
 * are memoized (shards are immutable).
 */
final class Units {
  /** A unit of the plan: one record batch of one shard. */
  record Unit(ShardEntry shard, int batch, long estimatedBytes) {}

  /** A loaded unit; {@code root} is null if it was skipped (corrupt or missing). */
  record Loaded(VectorSchemaRoot root, int[] selected, long bytes) {
    int sourceRow(int offset) {
      return selected == null ? offset : selected[offset];
    }

    void close() {
      if (root != null) {
        root.close();
      }
    }
  }

  private final ObjectStore store;
  private final ShardFetcher fetcher;
  private final BufferAllocator allocator;
  private final DatasetOptions options;
  private final Map<String, int[]> layouts = new ConcurrentHashMap<>();
  private final Map<String, int[]> selections = new ConcurrentHashMap<>();

  Units(
      ObjectStore store, ShardFetcher fetcher, BufferAllocator allocator, DatasetOptions options) {
    this.store = store;
    this.fetcher = fetcher;
    this.allocator = allocator;
    this.options = options;
  }

  /** Rows per record batch of {@code shard}; an empty array if it is skipped as unreadable. */
  int[] layout(ShardEntry shard) {
    return layouts.computeIfAbsent(shard.path(), p -> readLayout(shard));
  }

  private int[] readLayout(ShardEntry shard) {
    if (shard.rows() == 0) {
      return new int[0];
    }
    if (!shard.batchRows().isEmpty()) {
      // No I/O: opening a dataset of thousands of shards would otherwise read thousands of
      // footers one by one. load() checks each batch against the file.
      return shard.batchRows().stream().mapToInt(Integer::intValue).toArray();
    }
    try (ShardReader reader = openForLayout(shard)) {
      int[] rows = new int[reader.batchCount()];
      long sum = 0;
      for (int i = 0; i < rows.length; i++) {
        rows[i] = Math.toIntExact(reader.batchRowCount(i));
        sum += rows[i];
      }
      if (sum != shard.rows()) {
        throw new ShardReadException(
            shard.path(),
            "Cannot read shard "
                + store.location()
                + "/"
                + shard.path()
                + ": it has "
                + sum
                + " rows but the manifest says "
                + shard.rows(),
            null);
      }
      return rows;
    } catch (RuntimeException e) {
      ShardReadException error = wrap(shard, e);
      if (options.onCorruptShard() == DatasetOptions.OnCorruptShard.SKIP) {
        return new int[0];
      }
      throw error;
    }
  }

  private ShardReader openForLayout(ShardEntry shard) {
    byte[] cached =
        options.fetchMode() == DatasetOptions.FetchMode.WHOLE_SHARD ? fetcher.cached(shard) : null;
    return cached != null
        ? ShardReader.open(cached)
        : ShardReader.open(new RangedChannel(store, shard.path(), shard.bytes()), allocator);
  }

  /** The units of {@code shards}, in order. */
  List<Unit> units(List<ShardEntry> shards) {
    List<Unit> units = new ArrayList<>();
    for (ShardEntry s : shards) {
      int[] layout = layout(s);
      for (int b = 0; b < layout.length; b++) {
        long est = s.rows() == 0 ? 0 : s.bytes() * layout[b] / s.rows();
        units.add(new Unit(s, b, est));
      }
    }
    return units;
  }

  /**
   * The selected rows of {@code unit} (indexes into its record batch), or null for all. Reads only
   * the columns the selection needs, and nothing when the manifest statistics decide.
   */
  int[] selection(Unit unit, ReadSpec spec) {
    if (spec.filter() == null && spec.split() == null) {
      return null;
    }
    String key = spec.selectionKey() + "|" + unit.shard().path() + "|" + unit.batch();
    int[] cached = selections.get(key);
    if (cached != null) {
      return cached;
    }
    int[] result;
    Boolean decided = spec.filter() == null ? Boolean.TRUE : spec.filter().decide(unit.shard());
    if (Boolean.FALSE.equals(decided)) {
      result = new int[0];
    } else if (Boolean.TRUE.equals(decided) && spec.split() == null) {
      result = null;
    } else {
      List<String> cols = new ArrayList<>();
      if (spec.filter() != null && decided == null) {
        cols.addAll(spec.filter().columns());
      }
      if (spec.split() != null && !cols.contains(DatasetSchema.ARTICLE_ID)) {
        cols.add(DatasetSchema.ARTICLE_ID);
      }
      Loaded l = load(unit, cols, null);
      try {
        if (l.root() == null) {
          result = new int[0];
        } else {
          IntPredicate test = decided == null ? spec.filter().bind(l.root()) : r -> true;
          VarCharVector ids =
              spec.split() == null
                  ? null
                  : (VarCharVector) l.root().getVector(DatasetSchema.ARTICLE_ID);
          int n = l.root().getRowCount();
          int[] sel = new int[n];
          int k = 0;
          for (int r = 0; r < n; r++) {
            if (test.test(r)
                && (ids == null
                    || spec.split()
                        .contains(
                            new String(ids.get(r), java.nio.charset.StandardCharsets.UTF_8),
                            spec.trainFraction()))) {
              sel[k++] = r;
            }
          }
          result = java.util.Arrays.copyOf(sel, k);
        }
      } finally {
        l.close();
      }
    }
    if (result != null) {
      selections.put(key, result);
    }
    return result;
  }

  /**
   * Loads {@code unit} with {@code columns} (all if empty), transferring its vectors out of the
   * reader (no copy). A corrupt or missing shard throws, or with SKIP gives a Loaded without root.
   */
  Loaded load(Unit unit, List<String> columns, int[] selected) {
    ShardEntry shard = unit.shard();
    try {
      ShardReader reader =
          options.fetchMode() == DatasetOptions.FetchMode.WHOLE_SHARD
              ? ShardReader.open(
                  new org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel(
                      fetcher.bytes(shard)),
                  allocator)
              : ShardReader.open(new RangedChannel(store, shard.path(), shard.bytes()), allocator);
      try (reader) {
        if (!columns.isEmpty()) {
          reader.select(columns);
        }
        VectorSchemaRoot src = reader.loadBatch(unit.batch());
        int expected = layout(shard)[unit.batch()];
        if (src.getRowCount() != expected || reader.batchCount() != layout(shard).length) {
          throw new ShardReadException(
              shard.path(),
              String.format(
                  "Cannot read shard %s/%s: record batch %d has %d rows of %d batches, the"
                      + " manifest says %d of %d",
                  store.location(),
                  shard.path(),
                  unit.batch(),
                  src.getRowCount(),
                  reader.batchCount(),
                  expected,
                  layout(shard).length),
              null);
        }
        List<FieldVector> out = new ArrayList<>();
        for (FieldVector v : src.getFieldVectors()) {
          org.apache.arrow.vector.util.TransferPair t = v.getTransferPair(allocator);
          t.transfer();
          out.add((FieldVector) t.getTo());
        }
        VectorSchemaRoot root = new VectorSchemaRoot(out);
        root.setRowCount(src.getRowCount());
        return new Loaded(root, selected, unit.estimatedBytes());
      }
    } catch (RuntimeException e) {
      ShardReadException error = wrap(shard, e);
      if (options.onCorruptShard() == DatasetOptions.OnCorruptShard.SKIP) {
        return new Loaded(null, selected, unit.estimatedBytes());
      }
      throw error;
    }
  }

  private ShardReadException wrap(ShardEntry shard, RuntimeException e) {
    if (e instanceof ShardReadException r) {
      return r;
    }
    return new ShardReadException(
        shard.path(),
        "Cannot read shard " + store.location() + "/" + shard.path() + ": " + e.getMessage(),
        e);
  }
}
