package io.minietl.core.feature;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.record.Article;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code word_count} and {@code char_count} contract, checked against expectations computed by
 * Python ({@code len(text.split())}, {@code len(text)}) in
 * src/test/resources/wordcount/corpus.jsonl. Regenerate the corpus with {@code python3
 * etl-core/src/test/resources/wordcount/generate.py}.
 */
class WordCountCorpusTest {
  private static final String CORPUS = "/wordcount/corpus.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<JsonNode> CASES = readCorpus();

  private static List<JsonNode> readCorpus() {
    InputStream in = WordCountCorpusTest.class.getResourceAsStream(CORPUS);
    if (in == null) {
      throw new IllegalStateException("Cannot find " + CORPUS + " on the test classpath");
    }
    List<JsonNode> cases = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank()) {
          cases.add(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  static Stream<Arguments> corpusCases() {
    return CASES.stream().map(c -> Arguments.of(c.get("name").asText(), c));
  }

  /** The case's text: given, or rebuilt from its recipe (see generate.py). */
  private static String textOf(JsonNode c) {
    if (c.has("text")) {
      return c.get("text").asText();
    }
    JsonNode recipe = c.get("recipe");
    String text =
        lcgText(
            recipe.get("seed").asLong(),
            strings(recipe.get("words")),
            strings(recipe.get("separators")),
            recipe.get("min_chars").asLong());
    assertThat(sha256(text))
        .as("SHA-256 of the text rebuilt from the recipe of %s", c.get("name").asText())
        .isEqualTo(c.get("sha256").asText());
    return text;
  }

  /** Java twin of generate.py's lcg_text: 64-bit LCG, wrapping arithmetic is mod 2^64. */
  private static String lcgText(
      long seed, List<String> words, List<String> separators, long minChars) {
    StringBuilder sb = new StringBuilder();
    long x = seed;
    long codePoints = 0;
    while (codePoints < minChars) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      String w = words.get((int) ((x >>> 33) % words.size()));
      x = x * 6364136223846793005L + 1442695040888963407L;
      String s = separators.get((int) ((x >>> 33) % separators.size()));
      sb.append(w).append(s);
      codePoints += w.codePointCount(0, w.length()) + s.codePointCount(0, s.length());
    }
    return sb.toString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<Integer> pythonWhitespace() {
    Set<Integer> set = new HashSet<>();
    CASES.stream()
        .filter(c -> c.get("name").asText().equals("python_whitespace_set"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("corpus has no python_whitespace_set case"))
        .get("whitespace")
        .forEach(n -> set.add(n.asInt()));
    return set;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusCases")
  void countsOfCorpusCaseEqualPythonsSplitAndLen(String name, JsonNode c) {
    String text = textOf(c);
    Article article = Article.builder().articleId(name).content(text).build();

    assertThat(WordCount.count(text))
        .as("word_count of %s", name)
        .isEqualTo(c.get("word_count").asInt());
    assertThat(new WordCount().compute(article)).isEqualTo(c.get("word_count").asLong());
    assertThat(new CharCount().compute(article))
        .as("char_count of %s", name)
        .isEqualTo(c.get("char_count").asLong());
  }

  @Test
  void corpusHasEveryCaseKindTheContractNames() {
    assertThat(CASES).hasSizeGreaterThan(100);
    List<String> names = CASES.stream().map(c -> c.get("name").asText()).toList();
    assertThat(names)
        .doesNotHaveDuplicates()
        .contains("empty", "whitespace_only_all", "large_ascii_news_1mib", "python_whitespace_set")
        .contains("not_whitespace_U+200B", "not_whitespace_U+FEFF", "not_whitespace_U+180E");
    for (int c : pythonWhitespace()) {
      assertThat(names).contains(String.format("whitespace_sep_U+%04X", c));
    }
  }

  @Test
  void pythonWhitespaceSetHasTheTwentyNineDocumentedCharacters() {
    assertThat(pythonWhitespace())
        .hasSize(29)
        .contains(0x85, 0xA0, 0x1680, 0x2007, 0x202F, 0x3000)
        .doesNotContain(0x180E, 0x200B, 0xFEFF);
  }

  @Test
  void isPythonWhitespaceForEveryBmpCharEqualsMembershipInPythonsSet() {
    Set<Integer> expected = pythonWhitespace();
    List<String> mismatches = new ArrayList<>();
    for (int c = 0; c <= 0xFFFF; c++) {
      if (WordCount.isPythonWhitespace((char) c) != expected.contains(c)) {
        mismatches.add(String.format("U+%04X", c));
      }
    }
    assertThat(mismatches).as("chars where Java and Python disagree").isEmpty();
  }

  @Test
  void countOfEveryBmpCharBetweenTwoLettersIsTwoExactlyForWhitespace() {
    Set<Integer> expected = pythonWhitespace();
    List<String> mismatches = new ArrayList<>();
    for (int c = 0; c <= 0xFFFF; c++) {
      String s = "a" + (char) c + "b";
      int want = expected.contains(c) ? 2 : 1;
      if (WordCount.count(s) != want || WordCount.count((char) c + s + (char) c) != want) {
        mismatches.add(String.format("U+%04X", c));
      }
    }
    assertThat(mismatches).as("chars where count disagrees with Python's split").isEmpty();
  }

  @Test
  void countDiffersFromJavasCharacterIsWhitespaceOnTheDocumentedChars() {
    // Java's definition is not the contract: these are where the two disagree.
    assertThat(WordCount.count("a\u00A0b")).isEqualTo(2);
    assertThat(WordCount.count("a\u2007b")).isEqualTo(2);
    assertThat(WordCount.count("a\u202Fb")).isEqualTo(2);
    assertThat(WordCount.count("a\u0085b")).isEqualTo(2);
    assertThat(Character.isWhitespace('\u00A0')).isFalse();
    assertThat(Character.isWhitespace('\u0085')).isFalse();
  }
}
