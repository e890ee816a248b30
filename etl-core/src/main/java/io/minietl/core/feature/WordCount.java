package io.minietl.core.feature;

import io.minietl.core.record.Article;

/**
 * {@code word_count}: the number of maximal runs of non-whitespace characters in the content,
 * exactly Python's {@code len(content.split())}.
 *
 * <p>Whitespace is the set Python's {@code str.split()} (no arguments) splits on: U+0009–U+000D,
 * U+001C–U+001F, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and
 * U+3000. Zero-width characters (U+200B, U+FEFF, U+200D) are not whitespace. This is not Java's
 * {@link Character#isWhitespace}. The contract is tested on a corpus whose expected counts were
 * computed by Python (etl-core/src/test/resources/wordcount).
 */
public final class WordCount implements Feature {
  public static final String NAME = "word_count";

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
    return count(article.content());
  }

  /** Python's {@code len(text.split())}. */
  public static int count(String text) {
    int words = 0;
    boolean inWord = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      boolean space = isPythonWhitespace(text.charAt(i));
      if (!space && !inWord) {
        words++;
      }
      inWord = !space;
    }
    return words;
  }

  /** Whether Python's {@code str.split()} splits on {@code c}. */
  public static boolean isPythonWhitespace(char c) {
    if (c < 0x80) {
      return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    }
    return c == 0x85
        || c == 0xA0
        || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A)
        || c == 0x2028
        || c == 0x2029
        || c == 0x202F
        || c == 0x205F
        || c == 0x3000;
  }
}
