package io.minietl.core.format;

import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import java.util.Arrays;
import java.util.Objects;

/**
 * One row of a shard as values: the article, its provenance and its feature values in column order.
 * For tests and small tools; training code reads record batches ({@link ShardReader#loadBatch}).
 * Immutable.
 */
public record ShardRow(Article article, Provenance provenance, long[] featureValues) {
  public ShardRow {
    Objects.requireNonNull(article, "article");
    Objects.requireNonNull(provenance, "provenance");
    featureValues = featureValues.clone();
  }

  /** The feature values in column order (a copy). */
  @Override
  public long[] featureValues() {
    return featureValues.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ShardRow
        && article.equals(((ShardRow) o).article)
        && provenance.equals(((ShardRow) o).provenance)
        && Arrays.equals(featureValues, ((ShardRow) o).featureValues);
  }

  @Override
  public int hashCode() {
    return Objects.hash(article, provenance, Arrays.hashCode(featureValues));
  }

  @Override
  public String toString() {
    return "ShardRow{"
        + article
        + ", "
        + provenance
        + ", features="
        + Arrays.toString(featureValues)
        + "}";
  }
}
