package io.minietl.core.format;

import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Rows covering every kind of value a shard holds, and a helper to write them. */
final class SampleRows {
  static final FeatureRegistry FEATURES = FeatureRegistry.defaults();

  private SampleRows() {}

  static List<ShardRow> rows(int count) {
    List<ShardRow> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Article.Builder a = Article.builder().articleId("a-" + i).content(content(i));
      switch (i % 5) {
        case 0:
          a.title("Title " + i)
              .author("Author " + i)
              .publishDate(Instant.parse("2024-03-01T12:34:56.123456Z").plusSeconds(i))
              .summary("Summary " + i)
              .extraFieldsJson("{\"lang\":\"en\",\"n\":" + i + "}");
          break;
        case 1:
          // Unicode everywhere: CJK, emoji with ZWJ, RTL, combining marks, NBSP.
          a.title("新闻 标题 👩‍💻 " + i)
              .author("José Ñúñez")
              .publishDate(Instant.parse("1969-12-31T23:59:59.999999Z"))
              .extraFieldsJson("{\"tags\":[\"é\",\"日本\"]}");
          break;
        case 2:
          // Only the required fields: every nullable column is null.
          break;
        case 3:
          a.title("").author("").summary("").extraFieldsJson("{}");
          break;
        default:
          a.publishDate(Instant.parse("2026-11-28T00:00:00Z"));
          break;
      }
      Article article = a.build();
      Provenance provenance =
          Provenance.of(
              "shardId-00000000000" + (i % 3),
              "4963" + "0".repeat(40) + i,
              "pk-" + (i % 7) + "-ключ",
              Instant.parse("2026-11-28T10:00:00.000001Z").plusMillis(i),
              Instant.parse("2026-11-28T10:00:01.5Z").plusMillis(i),
              // Some rows are user records of KPL aggregates, the rest are not.
              i % 4 == 0 ? null : (long) (i % 5) + (i == 1 ? Long.MAX_VALUE - 1 : 0));
      rows.add(new ShardRow(article, provenance, FEATURES.computeAll(article)));
    }
    return rows;
  }

  private static String content(int i) {
    switch (i % 6) {
      case 0:
        return "";
      case 1:
        return "Tokyo\u00a0東京 — مرحبا بالعالم  e\u0301t\u00e9 👨‍👩‍👧 end.";
      case 2:
        return "   ";
      default:
        return ("The quick brown fox jumps over the lazy dog. ").repeat(1 + i % 17) + i;
    }
  }

  static byte[] write(
      List<ShardRow> rows, ShardCompression compression, Consumer<ShardWriter.Builder> options) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ShardWriter.Builder builder =
        ShardWriter.builder().output(out).features(FEATURES).compression(compression);
    options.accept(builder);
    try (ShardWriter writer = builder.build()) {
      for (ShardRow row : rows) {
        writer.append(row.article(), row.provenance(), row.featureValues());
      }
      writer.finish();
    }
    return out.toByteArray();
  }
}
