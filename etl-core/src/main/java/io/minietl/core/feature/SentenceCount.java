package io.minietl.core.feature;

import io.minietl.core.record.Article;

/**
 * {@code sentence_count}: the number of sentences in the content.
 *
 * <p>The rule: a sentence ends at a run of terminators ({@code . ! ?}, the ellipsis U+2026 and the
 * CJK full stop, exclamation and question marks U+3002, U+FF01, U+FF1F) that is followed by
 * whitespace (as {@link WordCount} defines it) or the end of the text, provided the sentence has at
 * least one non-whitespace, non-terminator character. Trailing text without a terminator is a
 * sentence too. So {@code "Hi. How are you?"} has 2, {@code "3.14 is pi"} has 1, {@code "..."} and
 * whitespace-only text have 0. CJK terminators end a sentence even without following whitespace,
 * since CJK text does not separate sentences by spaces.
 *
 * <p>Consequences of the rule, by design (it is a cheap, language-agnostic proxy, not a sentence
 * segmenter): a decimal point or a terminator glued to the next character ({@code "3.14"}, {@code
 * "Wait...what"}, a period right before CJK text) does not end a sentence; an abbreviation followed
 * by a space does ({@code "Dr. Smith arrived."} has 2); a terminator followed by a closing quote or
 * bracket does not ({@code He said "Stop." Then he left.} has 1); zero-width characters are not
 * whitespace, so they do not make a boundary. Stateless and thread-safe.
 */
public final class SentenceCount implements Feature {
  public static final String NAME = "sentence_count";

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

  /** The number of sentences in {@code text} by the rule above. */
  public static int count(String text) {
    // One pass, one char per iteration and the index never moved by hand, so the JIT compiles a
    // counted loop (unrolled, no per-char bounds check). A run of terminators is decided by the
    // char after it: whitespace ends the sentence, anything else does not.
    byte[] table = LATIN1_CLASS;
    int sentences = 0;
    int hasText = 0; // 1 if the current sentence has a non-terminator, non-space character
    int afterTerminator = 0; // 1 if the previous char was a terminator (. ! ? …)
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      int k = c < 256 ? table[c] : slowClassOf(c);
      if (k <= SPACE) {
        if (afterTerminator != 0) {
          if (k == SPACE) {
            sentences += hasText;
            hasText = 0;
          }
          afterTerminator = 0;
        }
        // OTHER and SPACE alternate every few chars in no pattern a branch predictor learns:
        // told apart arithmetically, not by a branch.
        hasText |= k ^ 1;
      } else if (k == TERMINATOR) {
        afterTerminator = 1;
      } else { // CJK_TERMINATOR: ends a sentence without whitespace after it
        afterTerminator = 0;
        sentences += hasText;
        hasText = 0;
      }
    }
    // Text after the last boundary is a sentence, ended by terminators or not.
    return sentences + hasText;
  }

  // Character classes. The Latin-1 ones come from a table: this loop runs over every char of
  // every article, and a chain of comparisons per char made it the runner's hottest method.
  private static final byte OTHER = 0;
  private static final byte SPACE = 1;
  private static final byte TERMINATOR = 2;
  private static final byte CJK_TERMINATOR = 3;
  private static final byte[] LATIN1_CLASS = new byte[256];

  static {
    for (int c = 0; c < 256; c++) {
      LATIN1_CLASS[c] = slowClassOf((char) c);
    }
  }

  private static byte slowClassOf(char c) {
    if (c == '.' || c == '!' || c == '?' || c == '\u2026') {
      return TERMINATOR;
    }
    if (c == '\u3002' || c == '\uFF01' || c == '\uFF1F') {
      return CJK_TERMINATOR;
    }
    return WordCount.isPythonWhitespace(c) ? SPACE : OTHER;
  }
}
