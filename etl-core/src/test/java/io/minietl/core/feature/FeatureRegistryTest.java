package io.minietl.core.feature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.record.Article;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureRegistryTest {

  /** A feature with any name and type, whose value is the title length. */
  private static Feature feature(String name, FeatureType type) {
    return new Feature() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public FeatureType type() {
        return type;
      }

      @Override
      public long compute(Article article) {
        return article.title() == null ? 0 : article.title().length();
      }
    };
  }

  @Test
  void defaultsAreWordCharAndSentenceCountInThatOrder() {
    FeatureRegistry registry = FeatureRegistry.defaults();

    assertThat(registry.names()).containsExactly("word_count", "char_count", "sentence_count");
    assertThat(registry.features())
        .hasExactlyElementsOfTypes(WordCount.class, CharCount.class, SentenceCount.class);
    assertThat(registry.size()).isEqualTo(3);
    assertThat(registry.indexOf("word_count")).isZero();
    assertThat(registry.indexOf("sentence_count")).isEqualTo(2);
    assertThat(registry.toString())
        .isEqualTo("FeatureRegistry[word_count, char_count, sentence_count]");
  }

  @Test
  void defaultsReturnsTheSameInstanceEachTime() {
    assertThat(FeatureRegistry.defaults()).isSameAs(FeatureRegistry.defaults());
  }

  @Test
  void indexOfUnknownNameIsMinusOne() {
    assertThat(FeatureRegistry.defaults().indexOf("title_word_count")).isEqualTo(-1);
  }

  @Test
  void addedFeatureFollowsDefaultsInRegistrationOrder() {
    FeatureRegistry registry =
        FeatureRegistry.builder()
            .addDefaults()
            .add(feature("title_length", FeatureType.INT64))
            .build();

    assertThat(registry.names())
        .containsExactly("word_count", "char_count", "sentence_count", "title_length");
    assertThat(registry.indexOf("title_length")).isEqualTo(3);
    assertThat(registry.features().get(3).type()).isEqualTo(FeatureType.INT64);
  }

  @Test
  void emptyBuilderBuildsEmptyRegistry() {
    FeatureRegistry registry = FeatureRegistry.builder().build();

    assertThat(registry.size()).isZero();
    assertThat(registry.names()).isEmpty();
    assertThat(registry.computeAll(Article.builder().articleId("a").content("x").build()))
        .isEmpty();
  }

  @Test
  void duplicateNameIsRejectedNamingTheFeature() {
    FeatureRegistry.Builder builder = FeatureRegistry.builder().addDefaults();

    assertThatThrownBy(() -> builder.add(feature("word_count", FeatureType.INT32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot register feature 'word_count' twice");
  }

  @Test
  void addDefaultsTwiceIsRejectedAsDuplicate() {
    FeatureRegistry.Builder builder = FeatureRegistry.builder().addDefaults();

    assertThatThrownBy(builder::addDefaults)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'word_count'");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"WordCount", "word-count", "1st_word", "_word", "word count", "wörd"})
  void nameThatIsNotLowerSnakeCaseIsRejectedWithHowToFix(String name) {
    assertThatThrownBy(() -> FeatureRegistry.builder().add(feature(name, FeatureType.INT32)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid feature name: '" + name + "' (use lower snake case, e.g. word_count)");
  }

  @Test
  void nullTypeIsRejectedNamingTheFeature() {
    assertThatThrownBy(() -> FeatureRegistry.builder().add(feature("no_type", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid feature 'no_type': type is null");
  }

  @Test
  void nullFeatureIsRejected() {
    assertThatThrownBy(() -> FeatureRegistry.builder().add(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("feature");
  }

  @Test
  void rejectedFeatureLeavesBuilderUsable() {
    FeatureRegistry.Builder builder = FeatureRegistry.builder().add(new WordCount());
    assertThatThrownBy(() -> builder.add(feature("Bad", FeatureType.INT32)))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(builder.add(new CharCount()).build().names())
        .containsExactly("word_count", "char_count");
  }

  @Test
  void computeAllReturnsEachFeatureValueInColumnOrder() {
    FeatureRegistry registry =
        FeatureRegistry.builder()
            .addDefaults()
            .add(feature("title_length", FeatureType.INT32))
            .build();
    Article article =
        Article.builder()
            .articleId("a1")
            .title("Headline")
            .content("Hello\u00A0world. \uD83D\uDE00 again!")
            .build();

    // 4 words (NBSP splits), 21 code points (the emoji counts once), 2 sentences, 8 title chars.
    assertThat(registry.computeAll(article)).containsExactly(4L, 21L, 2L, 8L);
  }

  @Test
  void computeAllReturnsANewArrayEachCall() {
    FeatureRegistry registry = FeatureRegistry.defaults();
    Article article = Article.builder().articleId("a").content("x").build();

    assertThat(registry.computeAll(article)).isNotSameAs(registry.computeAll(article));
  }

  @Test
  void featuresListIsUnmodifiable() {
    assertThatThrownBy(() -> FeatureRegistry.defaults().features().add(new WordCount()))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void registryIsUnaffectedByLaterBuilderChanges() {
    FeatureRegistry.Builder builder = FeatureRegistry.builder().add(new WordCount());
    FeatureRegistry registry = builder.build();
    builder.add(new CharCount());

    assertThat(registry.names()).containsExactly("word_count");
  }
}
