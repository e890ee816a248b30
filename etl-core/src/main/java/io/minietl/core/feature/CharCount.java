package io.minietl.core.feature;

import io.minietl.core.record.Article;

/**
 * {@code char_count}: the number of Unicode code points in the content, Python's {@code
 * len(content)} (a surrogate pair counts once; combining marks count separately).
 */
public final class CharCount implements Feature {
  public static final String NAME = "char_count";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public FeatureType type() {
    return FeatureType.INT32;
  }

  @Override
  public long compute(Article article) {
    String content = article.content();
    return content.codePointCount(0, content.length());
  }
}
