package io.minietl.core.feature;

import io.minietl.core.record.Article;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The ordered, immutable set of features a pipeline computes. The dataset schema has one column per
 * registered feature, in registration order, and the manifest keeps statistics per feature.
 *
 * <p>{@link #defaults()} is {@code word_count}, {@code char_count}, {@code sentence_count}. To add
 * a feature: {@code FeatureRegistry.builder().addDefaults().add(new MyFeature()).build()}.
 * Thread-safe.
 */
public final class FeatureRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final FeatureRegistry DEFAULTS =
      builder().add(new WordCount()).add(new CharCount()).add(new SentenceCount()).build();

  private final List<Feature> features;
  private final Map<String, Integer> indexByName;

  private FeatureRegistry(List<Feature> features) {
    this.features = Collections.unmodifiableList(new ArrayList<>(features));
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      index.put(features.get(i).name(), i);
    }
    this.indexByName = Collections.unmodifiableMap(index);
  }

  /** word_count, char_count and sentence_count, in that order. */
  public static FeatureRegistry defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The features in column order. */
  public List<Feature> features() {
    return features;
  }

  public int size() {
    return features.size();
  }

  /** The feature names in column order. */
  public List<String> names() {
    return List.copyOf(indexByName.keySet());
  }

  /** The position of the named feature, or -1 if it is not registered. */
  public int indexOf(String name) {
    Integer i = indexByName.get(name);
    return i == null ? -1 : i;
  }

  /** Computes every feature of {@code article}, in column order, into a new array. */
  public long[] computeAll(Article article) {
    long[] values = new long[features.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = features.get(i).compute(article);
    }
    return values;
  }

  @Override
  public String toString() {
    return "FeatureRegistry" + indexByName.keySet();
  }

  /** Builds a {@link FeatureRegistry}; rejects bad and duplicate names at once. */
  public static final class Builder {
    private final List<Feature> features = new ArrayList<>();

    private Builder() {}

    /** Adds the {@link #defaults()} features. */
    public Builder addDefaults() {
      DEFAULTS.features.forEach(this::add);
      return this;
    }

    /**
     * @throws IllegalArgumentException if the name is not lower snake case or already registered,
     *     or the type is null
     * @throws NullPointerException if {@code feature} is null
     */
    public Builder add(Feature feature) {
      Objects.requireNonNull(feature, "feature");
      String name = feature.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "Invalid feature name: '" + name + "' (use lower snake case, e.g. word_count)");
      }
      for (Feature f : features) {
        if (f.name().equals(name)) {
          throw new IllegalArgumentException("Cannot register feature '" + name + "' twice");
        }
      }
      if (feature.type() == null) {
        throw new IllegalArgumentException("Invalid feature '" + name + "': type is null");
      }
      features.add(feature);
      return this;
    }

    public FeatureRegistry build() {
      return new FeatureRegistry(features);
    }
  }
}
