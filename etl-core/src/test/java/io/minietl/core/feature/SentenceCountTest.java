package io.minietl.core.feature;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.record.Article;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SentenceCountTest {

  @Test
  void twoTerminatedSentencesSeparatedBySpaceCountTwo() {
    assertThat(SentenceCount.count("Hi. How are you?")).isEqualTo(2);
  }

  @Test
  void everyAsciiTerminatorEndsASentence() {
    assertThat(SentenceCount.count("One. Two! Three? Four")).isEqualTo(4);
  }

  @Test
  void textWithoutTerminatorIsOneSentence() {
    assertThat(SentenceCount.count("no terminator here")).isEqualTo(1);
  }

  @Test
  void trailingTextAfterLastTerminatorIsASentence() {
    assertThat(SentenceCount.count("Done. And then some")).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " \t\n ", "\u00A0\u3000\u2028"})
  void emptyOrWhitespaceOnlyTextHasNoSentence(String text) {
    assertThat(SentenceCount.count(text)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "...", "?!", " . ! ? ", "\u2026", "\u3002\uFF01\uFF1F", ". \u3002"})
  void terminatorsOnlyTextHasNoSentence(String text) {
    assertThat(SentenceCount.count(text)).isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "3.14 is pi|1",
        "Pi is 3.14.|1",
        "It costs $1,000.50 today. Cheap!|2",
        "Version 2.0.1 shipped|1",
      })
  void decimalPointFollowedByDigitDoesNotEndASentence(String text, int expected) {
    assertThat(SentenceCount.count(text)).isEqualTo(expected);
  }

  @Test
  void runOfTerminatorsEndsOneSentence() {
    assertThat(SentenceCount.count("Really?! Yes!!! Ok...")).isEqualTo(3);
  }

  @Test
  void asciiEllipsisFollowedBySpaceEndsASentence() {
    assertThat(SentenceCount.count("Wait... what?")).isEqualTo(2);
  }

  @Test
  void unicodeEllipsisIsATerminator() {
    assertThat(SentenceCount.count("Wait\u2026 what\u2026")).isEqualTo(2);
  }

  @Test
  void ellipsisGluedToNextWordDoesNotEndASentence() {
    assertThat(SentenceCount.count("Wait...what")).isEqualTo(1);
  }

  @Test
  void abbreviationFollowedBySpaceEndsASentenceByTheRule() {
    // The rule is deliberately simple: it has no abbreviation list.
    assertThat(SentenceCount.count("Dr. Smith arrived.")).isEqualTo(2);
    assertThat(SentenceCount.count("The U.S. economy grew.")).isEqualTo(2);
  }

  @Test
  void terminatorFollowedByClosingQuoteDoesNotEndASentence() {
    assertThat(SentenceCount.count("He said \"Stop.\" Then he left.")).isEqualTo(1);
  }

  @Test
  void cjkTerminatorsEndSentencesWithoutFollowingSpace() {
    assertThat(SentenceCount.count("今天天气很好。我们去公园吧！你来吗？")).isEqualTo(3);
  }

  @Test
  void cjkTextWithoutTerminatorIsOneSentence() {
    assertThat(SentenceCount.count("今天天气很好")).isEqualTo(1);
  }

  @Test
  void repeatedCjkTerminatorsEndOneSentence() {
    assertThat(SentenceCount.count("真的吗？？！好。。。")).isEqualTo(2);
  }

  @Test
  void mixedAsciiAndCjkTerminatorRunEndsOneSentence() {
    assertThat(SentenceCount.count("Hi.\u3002 Next")).isEqualTo(2);
    assertThat(SentenceCount.count("Hi\u3002. Next")).isEqualTo(2);
  }

  @Test
  void asciiTerminatorBeforeCjkTextWithoutSpaceDoesNotEndASentence() {
    assertThat(SentenceCount.count("OK.你好")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u00A0", "\u2003", "\u3000", "\n", "\u2029", "\u0085"})
  void anyPythonWhitespaceAfterTerminatorIsABoundary(String space) {
    assertThat(SentenceCount.count("One." + space + "Two.")).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u200B", "\uFEFF", "\u2060"})
  void zeroWidthCharAfterTerminatorIsNotABoundary(String zeroWidth) {
    assertThat(SentenceCount.count("One." + zeroWidth + "Two.")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"One. Two.   ", "One. Two.\n\n", "One. Two \t", "  One.  Two.  "})
  void trailingOrLeadingWhitespaceDoesNotAddASentence(String text) {
    assertThat(SentenceCount.count(text)).isEqualTo(2);
  }

  @Test
  void emojiAndAstralCharactersAreSentenceText() {
    assertThat(SentenceCount.count("\uD83D\uDE00. \uD83D\uDC4D")).isEqualTo(2);
  }

  @Test
  void computeUsesTheArticleContent() {
    Article article = Article.builder().articleId("a").content("One. Two. Three").build();
    SentenceCount feature = new SentenceCount();

    assertThat(feature.compute(article)).isEqualTo(3);
    assertThat(feature.name()).isEqualTo("sentence_count");
    assertThat(feature.type()).isEqualTo(FeatureType.INT32);
  }
}
