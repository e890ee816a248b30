package io.minietl.reader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One batch of rows: Arrow vectors of the selected columns ({@link #root()}) plus typed row
 * accessors and padding marks. Owned by its {@link BatchIterator}: valid until the next {@link
 * BatchIterator#next()} or {@link BatchIterator#close()}; transfer or copy what you keep. Not
 * thread-safe.
 *
 * <p>The rows are gathered from the loaded record batches into the batch's own vectors (one copy
 * per value, unavoidable when rows of several record batches are shuffled together); the loaded
 * record batches themselves are decompressed straight into vectors and never copied.
 */
public final class Batch {
  private final VectorSchemaRoot root;
  private final boolean[] padding;
  private final long index;

  Batch(VectorSchemaRoot root, boolean[] padding, long index) {
    this.root = root;
    this.padding = padding;
    this.index = index;
  }

  /** The Arrow vectors; the row count is {@link #size()}. */
  public VectorSchemaRoot root() {
    return root;
  }

  public int size() {
    return root.getRowCount();
  }

  /** The batch's index in its epoch segment (0, 1, ...), the same on every rank. */
  public long index() {
    return index;
  }

  public List<String> columns() {
    return root.getSchema().getFields().stream().map(f -> f.getName()).toList();
  }

  /** The vector of {@code column}. @throws IllegalArgumentException if not selected */
  public FieldVector vector(String column) {
    FieldVector v = root.getVector(column);
    if (v == null) {
      throw new IllegalArgumentException(
          "Invalid column '" + column + "': the batch has " + columns());
    }
    return v;
  }

  /**
   * Whether row {@code row} repeats another row to fill the batch (or stands for a skipped one).
   */
  public boolean isPadding(int row) {
    return padding[row];
  }

  public int paddingCount() {
    int n = 0;
    for (boolean p : padding) {
      n += p ? 1 : 0;
    }
    return n;
  }

  public boolean isNull(String column, int row) {
    return vector(column).isNull(row);
  }

  /** A string column's value, or null. */
  public String string(String column, int row) {
    FieldVector v = vector(column);
    if (!(v instanceof VarCharVector s)) {
      throw new IllegalArgumentException("Invalid column '" + column + "': not a string column");
    }
    return s.isNull(row) ? null : new String(s.get(row), StandardCharsets.UTF_8);
  }

  /** An integer or timestamp column's value. @throws IllegalStateException if null */
  public long longValue(String column, int row) {
    FieldVector v = vector(column);
    if (v.isNull(row)) {
      throw new IllegalStateException("Cannot read null " + column + " of row " + row + " as long");
    }
    if (v instanceof BaseIntVector i) {
      return i.getValueAsLong(row);
    }
    if (v instanceof org.apache.arrow.vector.TimeStampVector t) {
      return t.get(row);
    }
    throw new IllegalArgumentException("Invalid column '" + column + "': not an integer column");
  }
}
