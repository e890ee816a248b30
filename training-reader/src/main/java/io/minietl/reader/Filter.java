package io.minietl.reader;

import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.stats.FeatureStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A row predicate of a {@link ReadSpec}. Immutable and thread-safe. A filter is evaluated per row
 * after loading; where a shard's manifest statistics decide it for every row (e.g. {@code between}
 * on a feature whose min and max both lie inside or outside the range), the shard is not read for
 * it. A null value never matches.
 */
public final class Filter {
  private enum Kind {
    BETWEEN,
    EQUAL_TO,
    AND
  }

  private final Kind kind;
  private final String column;
  private final long lo;
  private final long hi;
  private final String value;
  private final List<Filter> parts;

  private Filter(Kind kind, String column, long lo, long hi, String value, List<Filter> parts) {
    this.kind = kind;
    this.column = column;
    this.lo = lo;
    this.hi = hi;
    this.value = value;
    this.parts = parts;
  }

  /** Rows whose integer column (a feature such as {@code word_count}) is in {@code [lo, hi]}. */
  public static Filter between(String column, long lo, long hi) {
    Objects.requireNonNull(column, "column");
    if (lo > hi) {
      throw new IllegalArgumentException("Invalid range [" + lo + ", " + hi + "] of " + column);
    }
    return new Filter(Kind.BETWEEN, column, lo, hi, null, List.of());
  }

  /** Rows whose string column equals {@code value}. */
  public static Filter equalTo(String column, String value) {
    Objects.requireNonNull(column, "column");
    Objects.requireNonNull(value, "value");
    return new Filter(Kind.EQUAL_TO, column, 0, 0, value, List.of());
  }

  /** Rows matching every one of {@code filters}. */
  public static Filter and(Filter... filters) {
    if (filters.length == 0) {
      throw new IllegalArgumentException("Invalid filter: and() of nothing");
    }
    return new Filter(Kind.AND, null, 0, 0, null, List.of(filters));
  }

  /** The columns the filter reads. */
  Set<String> columns() {
    Set<String> out = new TreeSet<>();
    if (kind == Kind.AND) {
      parts.forEach(p -> out.addAll(p.columns()));
    } else {
      out.add(column);
    }
    return out;
  }

  /** TRUE/FALSE if the shard's statistics decide every row, else null. */
  Boolean decide(ShardEntry shard) {
    switch (kind) {
      case BETWEEN:
        FeatureStats s = shard.stats().get(column);
        if (s == null || s.isEmpty()) {
          return shard.rows() == 0 ? Boolean.FALSE : null;
        }
        if (s.min() >= lo && s.max() <= hi) {
          return Boolean.TRUE;
        }
        if (s.max() < lo || s.min() > hi) {
          return Boolean.FALSE;
        }
        return null;
      case AND:
        boolean all = true;
        for (Filter p : parts) {
          Boolean d = p.decide(shard);
          if (Boolean.FALSE.equals(d)) {
            return Boolean.FALSE;
          }
          all &= Boolean.TRUE.equals(d);
        }
        return all ? Boolean.TRUE : null;
      default:
        return null;
    }
  }

  /** A per-row test bound to the vectors of {@code root}. */
  java.util.function.IntPredicate bind(VectorSchemaRoot root) {
    switch (kind) {
      case BETWEEN:
        {
          FieldVector v = vector(root);
          if (!(v instanceof BaseIntVector)) {
            throw new IllegalArgumentException(
                "Invalid filter between(" + column + "): the column is not an integer column");
          }
          BaseIntVector iv = (BaseIntVector) v;
          return r -> !v.isNull(r) && iv.getValueAsLong(r) >= lo && iv.getValueAsLong(r) <= hi;
        }
      case EQUAL_TO:
        {
          FieldVector v = vector(root);
          if (!(v instanceof VarCharVector)) {
            throw new IllegalArgumentException(
                "Invalid filter equalTo(" + column + "): the column is not a string column");
          }
          byte[] want = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          VarCharVector sv = (VarCharVector) v;
          return r -> !sv.isNull(r) && java.util.Arrays.equals(sv.get(r), want);
        }
      default:
        List<java.util.function.IntPredicate> bound = new ArrayList<>();
        parts.forEach(p -> bound.add(p.bind(root)));
        return r -> {
          for (java.util.function.IntPredicate b : bound) {
            if (!b.test(r)) {
              return false;
            }
          }
          return true;
        };
    }
  }

  private FieldVector vector(VectorSchemaRoot root) {
    FieldVector v = root.getVector(column);
    if (v == null) {
      throw new IllegalArgumentException(
          "Invalid filter: the dataset has no column '" + column + "'");
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Filter && toString().equals(o.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /**
   * The filter's part of the canonical spec string ({@code docs/DESIGN.md}, "The spec
   * fingerprint"): {@code between(<str>,lo,hi)}, {@code equal(<str>,<str>)}, {@code and(f,...)},
   * each {@code <str>} its UTF-8 byte length, a colon and the text.
   */
  String canonical() {
    switch (kind) {
      case BETWEEN:
        return "between(" + ReadSpec.canonicalString(column) + "," + lo + "," + hi + ")";
      case EQUAL_TO:
        return "equal("
            + ReadSpec.canonicalString(column)
            + ","
            + ReadSpec.canonicalString(value)
            + ")";
      default:
        StringBuilder b = new StringBuilder("and(");
        for (int i = 0; i < parts.size(); i++) {
          b.append(i == 0 ? "" : ",").append(parts.get(i).canonical());
        }
        return b.append(")").toString();
    }
  }

  /** A readable form; also the filter's part of the legacy (mtr1) fingerprint. */
  @Override
  public String toString() {
    switch (kind) {
      case BETWEEN:
        return "between(" + column + "," + lo + "," + hi + ")";
      case EQUAL_TO:
        return "equalTo(" + column + "," + value.length() + ":" + value + ")";
      default:
        StringBuilder b = new StringBuilder("and(");
        for (int i = 0; i < parts.size(); i++) {
          b.append(i == 0 ? "" : ",").append(parts.get(i));
        }
        return b.append(")").toString();
    }
  }
}
