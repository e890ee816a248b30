package io.minietl.core.feature;

import io.minietl.core.record.Article;

/**
 * A calculated feature: a name (its column in the dataset), an Arrow type, and a pure function of
 * the parsed article.
 *
 * <p>Implementations must be stateless and thread-safe, and {@link #compute} must be deterministic:
 * the same article gives the same value on every machine. A feature of type {@link
 * FeatureType#INT32} must return values that fit in an {@code int}.
 *
 * <p>To add a feature, implement this interface and register it in a {@link FeatureRegistry}; the
 * dataset schema and the statistics follow from the registry.
 */
public interface Feature {
  /** The column name, lower snake case, unique within a registry (e.g. {@code word_count}). */
  String name();

  /** The column type. */
  FeatureType type();

  /** The feature's value for {@code article}. Never throws for a valid article. */
  long compute(Article article);
}
