package io.minietl.core.feature;

import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * The Arrow column type of a feature. Features are integer-valued (counts), so that their
 * statistics are exact in integer arithmetic; see docs/DESIGN.md.
 */
public enum FeatureType {
  /** A signed 32-bit integer column. Values must fit in an {@code int}. */
  INT32(new ArrowType.Int(32, true)),
  /** A signed 64-bit integer column. */
  INT64(new ArrowType.Int(64, true));

  private final ArrowType arrowType;

  FeatureType(ArrowType arrowType) {
    this.arrowType = arrowType;
  }

  /** The Arrow type of the feature's column. */
  public ArrowType arrowType() {
    return arrowType;
  }
}
