package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.record.Article;
import io.minietl.core.record.ParseResult;
import io.minietl.core.record.RecordParser;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArticleGeneratorTest {
  private final RecordParser parser = RecordParser.create();
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void validRecordsAreJsonArticlesWithEveryFieldAndTenParagraphs() throws Exception {
    ArticleGenerator generator = ArticleGenerator.create();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      ArticleGenerator.Generated g = generator.next();
      assertThat(g.isValid()).isTrue();
      JsonNode node = json.readTree(g.data());
      assertThat(node.isObject()).isTrue();
      assertThat(node.fieldNames())
          .toIterable()
          .containsExactly("article_id", "title", "author", "publish_date", "content");
      assertThat(node.get("article_id").asText()).isEqualTo(g.articleId());
      OffsetDateTime.parse(node.get("publish_date").asText()); // ISO-8601 with an offset
      assertThat(node.get("title").asText()).isNotBlank();
      assertThat(node.get("author").asText()).isNotBlank();
      assertThat(node.get("content").asText().split("\n\n")).hasSize(10);
      assertThat(g.data().length).isBetween(1500, 20_000);
      assertThat(ids.add(g.articleId())).as("unique article_id").isTrue();

      ParseResult parsed = parser.parse(g.data());
      assertThat(parsed.isValid()).as(parsed.toString()).isTrue();
      Article a = parsed.article();
      assertThat(a.articleId()).isEqualTo(g.articleId());
      assertThat(a.content().split("\\s+").length).isGreaterThan(150);
    }
  }

  @Test
  void theSameSeedGivesTheSameRecordsAndAnotherSeedOthers() {
    ArticleGenerator a = ArticleGenerator.builder().seed(7).malformedShare(0.1).build();
    ArticleGenerator b = ArticleGenerator.builder().seed(7).malformedShare(0.1).build();
    ArticleGenerator c = ArticleGenerator.builder().seed(8).malformedShare(0.1).build();
    for (int i = 0; i < 50; i++) {
      ArticleGenerator.Generated x = a.next();
      ArticleGenerator.Generated y = b.next();
      assertThat(y.data()).isEqualTo(x.data());
      assertThat(y.articleId()).isEqualTo(x.articleId());
      assertThat(c.next().articleId()).isNotEqualTo(x.articleId());
    }
  }

  @Test
  void theMalformedShareIsHonouredAndEveryMalformedRecordIsRejectedByTheParser() {
    ArticleGenerator generator = ArticleGenerator.builder().seed(3).malformedShare(0.02).build();
    int n = 10_000;
    int malformed = 0;
    Set<ArticleGenerator.Kind> kinds = EnumSet.noneOf(ArticleGenerator.Kind.class);
    for (int i = 0; i < n; i++) {
      ArticleGenerator.Generated g = generator.next();
      ParseResult parsed = parser.parse(g.data());
      assertThat(parsed.isValid()).as("%s: %s", g.kind(), parsed).isEqualTo(g.isValid());
      if (!g.isValid()) {
        malformed++;
        kinds.add(g.kind());
      }
    }
    // 2% of 10,000 is 200; the binomial standard deviation is 14.
    assertThat(malformed).isBetween(150, 250);
    assertThat(kinds).hasSize(ArticleGenerator.Kind.values().length - 1);
    assertThat(generator.generated()).isEqualTo(n);
  }

  @Test
  void noMalformedRecordsByDefaultAndOnlyMalformedOnesAtShareOne() {
    ArticleGenerator none = ArticleGenerator.create();
    ArticleGenerator all = ArticleGenerator.builder().malformedShare(1).build();
    for (int i = 0; i < 100; i++) {
      assertThat(none.next().isValid()).isTrue();
      assertThat(all.next().isValid()).isFalse();
    }
  }

  @Test
  void aShareOutsideZeroToOneIsRejected() {
    assertThatThrownBy(() -> ArticleGenerator.builder().malformedShare(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid malformed share 1.5");
    assertThatThrownBy(() -> ArticleGenerator.builder().malformedShare(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
