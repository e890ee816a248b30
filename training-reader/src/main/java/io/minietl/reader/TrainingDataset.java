package io.minietl.reader;

import io.minietl.core.format.ShardReader;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectStore;
import io.minietl.s3.DatasetLocation;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A dataset opened for training at one manifest version: seeded, sharded across ranks, resumable
 * iteration of batches ({@link #batches}).
 *
 * <pre>{@code
 * try (TrainingDataset ds = TrainingDataset.open(URI.create("s3://bucket/articles"), s3, DatasetOptions.defaults())) {
 *   ReadSpec spec = ReadSpec.builder().batchSize(32).columns("content", "word_count")
 *       .shuffle(seed).epoch(epoch).rank(rank).worldSize(worldSize).build();
 *   try (BatchIterator it = ds.batches(spec)) {
 *     while (it.hasNext()) { Batch b = it.next(); ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Guarantees, for one (version, {@link ReadSpec}): the same batches in the same order on every
 * run and machine; across {@code worldSize} ranks every selected row goes to exactly one rank
 * ({@link Remainder#PAD}) or at most one ({@link Remainder#DROP}), and every rank gets the same
 * number of batches; {@link BatchIterator#position()} resumes to exactly the continuation. See
 * {@code docs/DESIGN.md} ("Training reader") for the plan.
 *
 * <p>Thread-safe: iterators may be used from different threads (each by one). {@link #refresh()}
 * only affects iterators created after it. {@link #close()} after closing the iterators.
 *
 * <p>Errors: {@link IllegalArgumentException} for a bad spec, column, version or position; {@link
 * ShardReadException} for a corrupt or missing shard; the store's unchecked exceptions otherwise.
 */
public final class TrainingDataset implements AutoCloseable {
  private final ObjectStore store;
  private final ManifestLog log;
  private final DatasetOptions options;
  private final BufferAllocator allocator;
  private final ExecutorService pool;
  private final ShardFetcher fetcher;
  private final Units units;
  private volatile DatasetState state;

  /** One segment of an iteration: the rows of {@code version} (all, or its added shards). */
  record Segment(
      long base,
      long version,
      List<Units.Unit> units,
      int[][] selections,
      EpochPlan plan,
      Schema schema) {}

  private TrainingDataset(ObjectStore store, DatasetOptions options) {
    this.store = store;
    this.options = options;
    this.log = new ManifestLog(store);
    this.allocator = new RootAllocator();
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            options.fetchThreads(),
            r -> {
              Thread t = new Thread(r, "training-reader-fetch-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.fetcher =
        new ShardFetcher(
            store, options.prefetchBytes(), options.cacheDirectory(), options.cacheMaxBytes());
    this.units = new Units(store, fetcher, allocator, options);
  }

  /**
   * Opens the dataset in {@code store} at the pinned version of {@code options}, or the latest.
   *
   * @throws IllegalArgumentException if the pinned version does not exist, or nothing was ever
   *     committed (no version to open)
   */
  public static TrainingDataset open(ObjectStore store, DatasetOptions options) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(options, "options");
    TrainingDataset ds = new TrainingDataset(store, options);
    try {
      DatasetState s = options.version() > 0 ? ds.log.load(options.version()) : ds.log.load();
      if (s.version() == 0) {
        throw new IllegalArgumentException(
            "Cannot open " + store.location() + ": no manifest version was committed there");
      }
      if (options.version() == 0 && options.runId() != null) {
        long agreed = Pins.agreeOnVersion(store, options.runId(), options.pinEpoch(), s.version());
        s = agreed == s.version() ? s : ds.log.load(agreed);
      }
      ds.state = s;
      return ds;
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
  }

  /**
   * Opens the dataset at {@code s3://bucket/prefix} through {@code client}, or at {@code
   * file:///path} (then {@code client} is not used and may be null). See {@link #open(ObjectStore,
   * DatasetOptions)} and {@link DatasetLocation}.
   */
  public static TrainingDataset open(URI dataset, S3Client client, DatasetOptions options) {
    return open(DatasetLocation.of(dataset).open(() -> client), options);
  }

  /** The manifest version new iterators plan on. */
  public long version() {
    return state.version();
  }

  /** Rows in the dataset at {@link #version()} (before any filter or split). */
  public long totalRows() {
    return state.totalRows();
  }

  /** Shards in the dataset at {@link #version()}. */
  public int shardCount() {
    return state.shards().size();
  }

  /** Cumulative per-feature statistics from the manifest (no data is read). */
  public Map<String, FeatureStats> stats() {
    return state.stats();
  }

  /** Where the dataset is, for messages. */
  public String location() {
    return store.location();
  }

  /**
   * Moves to the latest committed version, for the next epoch of continuous training. Iterators
   * already created keep their version.
   *
   * @return the version now open
   */
  public long refresh() {
    if (options.runId() != null) {
      throw new IllegalStateException(
          "Cannot refresh a dataset opened with pin(): use refresh(epoch), so that ranks agree");
    }
    state = log.refresh(state);
    return state.version();
  }

  /**
   * Moves to the version every rank of the {@link DatasetOptions#runId() run} agrees on for {@code
   * epoch} (the latest, if this rank pins it first). Without a run id the same as {@link
   * #refresh()}.
   *
   * @return the version now open
   */
  public long refresh(long epoch) {
    DatasetState latest = log.refresh(state);
    if (options.runId() == null) {
      state = latest;
    } else {
      long agreed = Pins.agreeOnVersion(store, options.runId(), epoch, latest.version());
      state = agreed == latest.version() ? latest : log.load(agreed);
    }
    return state.version();
  }

  /** The batches of {@code spec}'s rank and epoch at {@link #version()}. */
  public BatchIterator batches(ReadSpec spec) {
    Objects.requireNonNull(spec, "spec");
    DatasetState s = state;
    Segment seg = segment(s.version(), s.version(), s.shards(), spec);
    return new BatchIterator(this, spec, spec.columns(), seg, 0);
  }

  /**
   * Resumes the iteration that was at {@code position}: yields exactly what the interrupted
   * iterator would have yielded next. Plans on the position's version (whatever {@link #version()}
   * is now); loads only units with rows still to come (the filter and split selection, if any, is
   * computed over the whole segment from the columns it needs).
   *
   * @throws IllegalArgumentException if {@code spec} is not the spec the position was taken with
   *     (batch size, columns, order, selection, remainder, epoch, rank or world size differ)
   */
  public BatchIterator batches(ReadSpec spec, Position position) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(position, "position");
    String fingerprint = position.legacy() ? spec.legacyFingerprint() : spec.fingerprint();
    if (!position.spec().equals(fingerprint)
        || position.epoch() != spec.epoch()
        || position.rank() != spec.rank()
        || position.worldSize() != spec.worldSize()) {
      throw new IllegalArgumentException(
          "Cannot resume "
              + position
              + " with "
              + spec
              + ": the position was taken with another spec, epoch, rank or world size");
    }
    Segment seg;
    if (position.segment() == position.version()) {
      DatasetState s = position.version() == state.version() ? state : log.load(position.version());
      seg = segment(position.version(), position.version(), s.shards(), spec);
    } else {
      seg = segment(position.version(), position.segment(), added(position.segment()), spec);
    }
    return new BatchIterator(this, spec, spec.columns(), seg, Math.toIntExact(position.batch()));
  }

  private List<ShardEntry> added(long version) {
    Manifest m =
        log.read(version)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "Invalid version " + version + ": " + store.location() + " has none"));
    return m.addedShards();
  }

  /** Waits (polling) for {@code version} to be committed; null after the spec's idle timeout. */
  Segment awaitSegment(long base, long version, ReadSpec spec) {
    long deadline = System.nanoTime() + spec.followIdleTimeout().toNanos();
    String run = options.runId();
    while (true) {
      // With a run id the boundary after version - 1 is decided once, by the first rank there.
      Optional<Boolean> decided =
          run == null ? Optional.empty() : Pins.decided(store, run, spec.epoch(), version - 1);
      if (decided.isPresent() && !decided.get()) {
        return null;
      }
      Optional<Manifest> m = log.read(version);
      if (m.isPresent()) {
        if (run != null
            && decided.isEmpty()
            && !Pins.decide(store, run, spec.epoch(), version - 1, true)) {
          return null; // another rank ended the epoch first
        }
        return segment(base, version, m.get().addedShards(), spec);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 && decided.isEmpty()) {
        if (run == null || !Pins.decide(store, run, spec.epoch(), version - 1, false)) {
          return null;
        }
        left = 1; // another rank saw the version: it is committed, read it
      }
      try {
        Thread.sleep(Math.min(options.followPollInterval().toMillis(), left / 1_000_000 + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  private Segment segment(long base, long version, List<ShardEntry> shards, ReadSpec spec) {
    Schema schema = outputSchema(shards, spec.columns());
    List<Units.Unit> list = parallel(shards, s -> units.units(List.of(s)));
    int[][] selections = new int[list.size()][];
    List<int[]> sel = parallel(list, u -> List.of(selectionOrAll(u, spec)));
    int[] rows = new int[list.size()];
    for (int i = 0; i < rows.length; i++) {
      int[] s = sel.get(i);
      selections[i] = s.length == 1 && s[0] == -1 ? null : s;
      rows[i] =
          selections[i] != null
              ? selections[i].length
              : units.layout(list.get(i).shard())[list.get(i).batch()];
    }
    EpochPlan plan =
        EpochPlan.plan(
            rows,
            new EpochPlan.Params(
                spec.seed(),
                spec.shuffle(),
                spec.epoch(),
                version,
                spec.worldSize(),
                spec.rank(),
                spec.batchSize(),
                spec.windowUnits(),
                spec.remainder()));
    return new Segment(base, version, list, selections, plan, schema);
  }

  private int[] selectionOrAll(Units.Unit u, ReadSpec spec) {
    int[] s = units.selection(u, spec);
    return s == null ? new int[] {-1} : s;
  }

  private <T, R> List<R> parallel(List<T> items, java.util.function.Function<T, List<R>> f) {
    List<CompletableFuture<List<R>>> futures = new ArrayList<>();
    for (T item : items) {
      futures.add(CompletableFuture.supplyAsync(() -> f.apply(item), pool));
    }
    List<R> out = new ArrayList<>();
    for (CompletableFuture<List<R>> fu : futures) {
      try {
        out.addAll(fu.join());
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return out;
  }

  private Schema outputSchema(List<ShardEntry> shards, List<String> columns) {
    ShardEntry first = null;
    for (ShardEntry s : shards) {
      if (s.rows() > 0 && units.layout(s).length > 0) {
        first = s;
        break;
      }
    }
    if (first == null) {
      return new Schema(List.of());
    }
    try (ShardReader r =
        ShardReader.open(new RangedChannel(store, first.path(), first.bytes()), allocator)) {
      Schema all = r.schema().arrowSchema();
      if (columns.isEmpty()) {
        return all;
      }
      List<Field> fields = new ArrayList<>();
      for (String c : columns) {
        Field f =
            all.getFields().stream()
                .filter(x -> x.getName().equals(c))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "Invalid column '"
                                + c
                                + "': the dataset's columns are "
                                + r.schema().columnNames()));
        fields.add(f);
      }
      return new Schema(fields);
    }
  }

  /**
   * An empty batch of {@code rows} rows. Variable-width vectors get room for {@code rows} values of
   * the average size in {@code like} (a loaded unit with the same columns, or null), so copying the
   * rows in does not grow their data buffers by doubling (~10 reallocations and copies for a batch
   * of 32 articles of 5 KB, from Arrow's 8-bytes-per-value default).
   */
  VectorSchemaRoot newBatchRoot(Schema schema, int rows, VectorSchemaRoot like) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    List<FieldVector> out = root.getFieldVectors();
    for (int c = 0; c < out.size(); c++) {
      FieldVector v = out.get(c);
      if (like != null
          && v instanceof BaseVariableWidthVector w
          && like.getFieldVectors().get(c) instanceof BaseVariableWidthVector src
          && src.getValueCount() > 0) {
        int n = src.getValueCount();
        double perValue = (double) (src.getEndOffset(n - 1) - src.getStartOffset(0)) / n;
        w.setInitialCapacity(rows, Math.max(1.0, perValue * 1.25));
      } else {
        v.setInitialCapacity(rows);
      }
    }
    root.allocateNew();
    return root;
  }

  <T> CompletableFuture<T> submit(Supplier<T> task) {
    return CompletableFuture.supplyAsync(task, pool);
  }

  Units units() {
    return units;
  }

  long prefetchBytes() {
    return options.prefetchBytes();
  }

  /** GETs of whole shards and disk-cache hits so far (for tests and benchmarks). */
  long[] fetchCounts() {
    return new long[] {fetcher.gets.get(), fetcher.cacheHits.get()};
  }

  /** Stops the fetch threads and releases memory. Close iterators first. Idempotent. */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      allocator.close();
    } catch (IllegalStateException e) {
      // an iterator was left open: its memory goes with the allocator's owner
    }
  }
}
