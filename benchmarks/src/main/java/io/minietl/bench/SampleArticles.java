package io.minietl.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic, news-like sample data for the benchmarks: English prose of realistic word and
 * sentence lengths, a mixed-Unicode variant, and article JSON records as the producer writes them.
 * The same seed gives the same text on every machine.
 */
public final class SampleArticles {
  private static final String[] WORDS = {
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "for",
    "on",
    "it",
    "with",
    "as",
    "his",
    "they",
    "at",
    "be",
    "this",
    "from",
    "have",
    "or",
    "by",
    "one",
    "had",
    "not",
    "but",
    "what",
    "all",
    "were",
    "when",
    "we",
    "there",
    "can",
    "an",
    "your",
    "which",
    "their",
    "said",
    "if",
    "will",
    "each",
    "about",
    "how",
    "up",
    "out",
    "them",
    "then",
    "she",
    "many",
    "some",
    "so",
    "these",
    "would",
    "other",
    "into",
    "has",
    "more",
    "her",
    "two",
    "like",
    "him",
    "see",
    "time",
    "could",
    "no",
    "make",
    "than",
    "first",
    "been",
    "its",
    "who",
    "now",
    "people",
    "government",
    "minister",
    "election",
    "market",
    "percent",
    "economy",
    "president",
    "announced",
    "report",
    "officials",
    "according",
    "statement",
    "Tuesday",
    "Wednesday",
    "London",
    "Washington",
    "company",
    "billion",
    "million",
    "investors",
    "policy",
    "climate",
    "research",
    "university",
    "hospital",
    "police",
    "court",
    "council",
    "analysts",
    "shares",
    "quarter",
    "growth",
    "energy",
    "infrastructure",
    "negotiations",
    "spokesperson",
    "2024",
    "15",
    "3.5",
    "interest",
    "rates"
  };
  private static final String[] UNICODE_WORDS = {
    "café", "naïve", "Zürich", "São", "Paulo", "Kraków", "Ελλάδα", "Москва", "東京", "中文新闻",
    "経済", "한국어", "😀", "👩‍👩‍👧‍👦", "👍🏽", "مرحبا", "שלום", "e\u0301", "news", "report",
    "the", "market", "said", "percent"
  };
  private static final String[] UNICODE_SPACES = {
    " ", " ", " ", " ", "\u00A0", "\u3000", "\u2009", "\n", "\t"
  };

  private SampleArticles() {}

  /**
   * English prose of about {@code chars} characters (all ASCII), paragraphs split by blank lines.
   */
  public static String asciiText(long seed, int chars) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder(chars + 64);
    int sentenceWords = 0;
    int sentenceLength = 8 + random.nextInt(18);
    int sentences = 0;
    while (out.length() < chars) {
      String word = WORDS[random.nextInt(WORDS.length)];
      if (sentenceWords == 0) {
        out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
      } else {
        out.append(word);
      }
      sentenceWords++;
      if (sentenceWords == sentenceLength) {
        out.append('.');
        sentenceWords = 0;
        sentenceLength = 8 + random.nextInt(18);
        sentences++;
        out.append(sentences % 5 == 0 ? "\n\n" : " ");
      } else {
        out.append(random.nextInt(12) == 0 ? ", " : " ");
      }
    }
    return out.toString();
  }

  /** Mixed-script text (Latin with accents, Greek, Cyrillic, CJK, Arabic, Hebrew, emoji). */
  public static String unicodeText(long seed, int chars) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder out = new StringBuilder(chars + 64);
    while (out.length() < chars) {
      out.append(UNICODE_WORDS[random.nextInt(UNICODE_WORDS.length)]);
      out.append(UNICODE_SPACES[random.nextInt(UNICODE_SPACES.length)]);
    }
    return out.toString();
  }

  /**
   * One article as the producer writes it: id, title, author, publish date and ten paragraphs of
   * about 500 characters each (about 5 KB of UTF-8).
   */
  public static byte[] articleJson(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String content = asciiText(seed, 5000);
    String title = asciiText(seed + 1, 60).strip();
    String json =
        "{\"article_id\":\"article-"
            + seed
            + "\",\"title\":\""
            + title.replace("\n", " ")
            + "\",\"author\":\"Author "
            + random.nextInt(1000)
            + "\",\"publish_date\":\"2026-11-"
            + (10 + random.nextInt(18))
            + "T08:30:00Z\",\"content\":\""
            + content.replace("\n", "\\n")
            + "\"}";
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
