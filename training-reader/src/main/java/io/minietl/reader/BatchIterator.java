package io.minietl.reader;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The batches of one rank in one epoch ({@link TrainingDataset#batches}). Units are fetched and
 * decoded ahead on the dataset's fetch threads within the prefetch budget; {@link #next()} blocks
 * only when the prefetch has not kept up. Not thread-safe: one consumer. Close it to release its
 * memory; the returned {@link Batch} is valid until the next call of {@code next()} or {@code
 * close()}.
 *
 * <p>Errors: {@link ShardReadException} naming a corrupt or missing shard (unless the dataset skips
 * them), {@link java.io.UncheckedIOException} or the store's exceptions when reading fails.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
  private final TrainingDataset dataset;
  private final ReadSpec spec;
  private final List<String> columns;

  private TrainingDataset.Segment segment;
  private EpochPlan plan;
  private int nextBatch;
  private final Map<Integer, CompletableFuture<Units.Loaded>> loaded = new HashMap<>();
  private int[] lastUse;
  private Deque<Integer> toSubmit;
  private long bytesAhead;
  private Batch current;
  private long skippedUnits;
  private boolean closed;

  BatchIterator(
      TrainingDataset dataset,
      ReadSpec spec,
      List<String> columns,
      TrainingDataset.Segment seg,
      int startBatch) {
    this.dataset = dataset;
    this.spec = spec;
    this.columns = columns;
    start(seg, startBatch);
  }

  private void start(TrainingDataset.Segment seg, int startBatch) {
    this.segment = seg;
    this.plan = seg.plan();
    if (startBatch > plan.batchCount()) {
      throw new IllegalArgumentException(
          "Invalid position: batch " + startBatch + " of a segment of " + plan.batchCount());
    }
    this.nextBatch = startBatch;
    long[] rows = plan.rows();
    lastUse = new int[seg.units().size()];
    java.util.Arrays.fill(lastUse, -1);
    List<Integer> order = new ArrayList<>();
    for (int i = startBatch * plan.batchSize(); i < rows.length; i++) {
      int u = EpochPlan.unit(rows[i]);
      if (lastUse[u] < 0) {
        order.add(u);
      }
      lastUse[u] = i;
    }
    toSubmit = new ArrayDeque<>(order);
    topUp();
  }

  private void topUp() {
    while (!toSubmit.isEmpty() && (loaded.isEmpty() || bytesAhead < dataset.prefetchBytes())) {
      submitNext();
    }
  }

  private void submitNext() {
    int u = toSubmit.poll();
    Units.Unit unit = segment.units().get(u);
    int[] sel = segment.selections()[u];
    bytesAhead += unit.estimatedBytes();
    loaded.put(u, dataset.submit(() -> dataset.units().load(unit, columns, sel)));
  }

  private Units.Loaded await(int u) {
    while (!loaded.containsKey(u)) {
      submitNext();
    }
    try {
      return loaded.get(u).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  @Override
  public boolean hasNext() {
    requireOpen();
    while (nextBatch >= plan.batchCount()) {
      if (spec.followIdleTimeout() == null) {
        return false;
      }
      TrainingDataset.Segment next =
          dataset.awaitSegment(segment.base(), segment.version() + 1, spec);
      if (next == null) {
        return false;
      }
      releaseAll();
      start(next, 0);
    }
    return true;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException("No more batches in this epoch");
    }
    closeCurrent();
    int b = plan.batchSize();
    int from = nextBatch * b;
    long[] rows = plan.rows();
    VectorSchemaRoot root = null;
    boolean[] padding = new boolean[b];
    for (int j = 0; j < b; j++) {
      int i = from + j;
      int u = EpochPlan.unit(rows[i]);
      Units.Loaded l = await(u);
      if (root == null) {
        root = dataset.newBatchRoot(segment.schema(), b, l.root());
      }
      padding[j] = plan.isPadding(i) || l.root() == null;
      List<FieldVector> out = root.getFieldVectors();
      if (l.root() == null) {
        for (FieldVector v : out) {
          v.setNull(j);
        }
      } else {
        int src = l.sourceRow(EpochPlan.offset(rows[i]));
        List<FieldVector> in = l.root().getFieldVectors();
        for (int c = 0; c < out.size(); c++) {
          out.get(c).copyFromSafe(src, j, in.get(c));
        }
      }
      if (lastUse[u] == i) {
        release(u, l);
      }
    }
    for (FieldVector v : root.getFieldVectors()) {
      v.setValueCount(b);
    }
    root.setRowCount(b);
    topUp();
    current = new Batch(root, padding, nextBatch);
    nextBatch++;
    return current;
  }

  private void release(int u, Units.Loaded l) {
    loaded.remove(u);
    bytesAhead -= l.bytes();
    if (l.root() == null) {
      skippedUnits++;
    }
    l.close();
  }

  /**
   * Where the iterator is: save it with a checkpoint, resume by {@link
   * TrainingDataset#batches(ReadSpec, Position)}.
   */
  public Position position() {
    return new Position(
        segment.base(),
        segment.version(),
        spec.epoch(),
        spec.rank(),
        spec.worldSize(),
        spec.fingerprint(),
        nextBatch);
  }

  /** The dataset version whose rows are being read (changes only when following). */
  public long segmentVersion() {
    return segment.version();
  }

  /** Batches this iterator yields for the current segment in all (including already yielded). */
  public int batchCount() {
    return plan.batchCount();
  }

  /** Units (record batches) of corrupt or missing shards yielded as padding (SKIP policy). */
  public long skippedUnits() {
    return skippedUnits;
  }

  private void closeCurrent() {
    if (current != null) {
      current.root().close();
      current = null;
    }
  }

  private void releaseAll() {
    for (CompletableFuture<Units.Loaded> f : loaded.values()) {
      f.thenAccept(Units.Loaded::close);
    }
    loaded.clear();
    bytesAhead = 0;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("Cannot iterate: the iterator is closed");
    }
  }

  /** Releases the current batch and every unit fetched ahead. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      closeCurrent();
      releaseAll();
    }
  }
}
