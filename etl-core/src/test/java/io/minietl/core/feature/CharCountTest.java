package io.minietl.core.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.record.Article;
import org.junit.jupiter.api.Test;

class CharCountTest {
  private final CharCount feature = new CharCount();

  private long charCount(String content) {
    return feature.compute(Article.builder().articleId("a").content(content).build());
  }

  @Test
  void emptyContentHasZeroChars() {
    assertThat(charCount("")).isZero();
  }

  @Test
  void asciiContentCountsEveryChar() {
    assertThat(charCount("hello world")).isEqualTo(11);
  }

  @Test
  void surrogatePairCountsOnce() {
    String grinning = "\uD83D\uDE00"; // U+1F600, two UTF-16 units
    assertThat(grinning).hasSize(2);
    assertThat(charCount(grinning)).isEqualTo(1);
    assertThat(charCount("a\uD840\uDC00b")).isEqualTo(3); // U+20000, CJK extension B
  }

  @Test
  void zwjEmojiSequenceCountsEachCodePoint() {
    // man ZWJ woman ZWJ girl: 3 emoji + 2 joiners, as Python's len().
    assertThat(charCount("\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67")).isEqualTo(5);
  }

  @Test
  void combiningMarkCountsSeparately() {
    assertThat(charCount("\u00E9")).isEqualTo(1);
    assertThat(charCount("e\u0301")).isEqualTo(2);
  }

  @Test
  void loneSurrogateCountsOnce() {
    assertThat(charCount("a\uD800b")).isEqualTo(3);
  }

  @Test
  void nameAndTypeAreCharCountInt32() {
    assertThat(feature.name()).isEqualTo("char_count");
    assertThat(feature.type()).isEqualTo(FeatureType.INT32);
  }
}
