package io.minietl.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import net.datafaker.Faker;

/**
 * Deterministic fake news articles, as the original producer sends them: a JSON object with {@code
 * article_id} (a UUID), {@code title}, {@code author}, {@code publish_date} (ISO-8601 with an
 * offset) and {@code content} (ten paragraphs separated by blank lines, about 600 words, 4–5 KB).
 * The text is English sentences from Datafaker's quote and phrase providers.
 *
 * <p>A share of the records ({@link Builder#malformedShare(double)}) is deliberately malformed, to
 * show the runner's error output: not JSON, not an object, a missing field, a field of the wrong
 * type, bytes that are not UTF-8. Which records are malformed, and everything else, follows from
 * the seed: two generators with the same settings produce the same records.
 *
 * <p>Not thread safe: one generator per producing thread.
 */
public final class ArticleGenerator {
  /** The kind of a generated record. */
  public enum Kind {
    VALID,
    NOT_JSON,
    NOT_AN_OBJECT,
    MISSING_FIELD,
    WRONG_TYPE,
    NOT_UTF8
  }

  /** One generated record: its partition key (the article id), the bytes, and what it is. */
  public record Generated(String articleId, byte[] data, Kind kind) {
    public boolean isValid() {
      return kind == Kind.VALID;
    }
  }

  private static final int PARAGRAPHS = 10;
  private static final Instant NEWEST = Instant.parse("2025-06-30T00:00:00Z");
  private static final long TWO_YEARS_SECONDS = 2L * 365 * 24 * 3600;
  private static final List<ZoneOffset> OFFSETS =
      List.of(ZoneOffset.UTC, ZoneOffset.ofHours(1), ZoneOffset.ofHours(-5), ZoneOffset.ofHours(9));
  private static final JsonFactory JSON = new JsonFactory();

  private final Random random;
  private final Faker faker;
  private final double malformedShare;
  private final List<Supplier<String>> sentences;
  private long generated;

  private ArticleGenerator(Builder builder) {
    this.random = new Random(builder.seed);
    this.faker = new Faker(Locale.ENGLISH, new Random(builder.seed ^ 0x5DEECE66DL));
    this.malformedShare = builder.malformedShare;
    this.sentences =
        List.of(
            () -> faker.yoda().quote(),
            () -> faker.hitchhikersGuideToTheGalaxy().quote(),
            () -> faker.chuckNorris().fact(),
            () -> faker.famousLastWords().lastWords(),
            () -> faker.backToTheFuture().quote(),
            () -> faker.dune().quote(),
            () -> sentence(faker.company().catchPhrase()),
            () -> sentence(faker.company().bs()),
            () -> faker.shakespeare().hamletQuote(),
            () -> faker.lorem().sentence(12));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A generator with seed 42 and no malformed records. */
  public static ArticleGenerator create() {
    return builder().build();
  }

  /** How many records this generator has returned. */
  public long generated() {
    return generated;
  }

  /** The next record: valid, or malformed with probability {@code malformedShare}. */
  public Generated next() {
    generated++;
    String id = uuid().toString();
    if (malformedShare > 0 && random.nextDouble() < malformedShare) {
      Kind kind = Kind.values()[1 + random.nextInt(Kind.values().length - 1)];
      return new Generated(id, malformed(kind, id), kind);
    }
    return new Generated(id, json(id, null), Kind.VALID);
  }

  private byte[] malformed(Kind kind, String id) {
    switch (kind) {
      case NOT_JSON:
        return ("{\"article_id\": \"" + id + "\", \"title\": " + faker.book().title())
            .getBytes(StandardCharsets.UTF_8);
      case NOT_AN_OBJECT:
        return ("[\"" + id + "\", \"" + faker.book().title() + "\"]")
            .getBytes(StandardCharsets.UTF_8);
      case MISSING_FIELD:
      case WRONG_TYPE:
        return json(id, kind);
      case NOT_UTF8:
        byte[] text = ("{\"article_id\": \"" + id + "\", \"title\": \"caf").getBytes();
        byte[] out = new byte[text.length + 4];
        System.arraycopy(text, 0, out, 0, text.length);
        out[text.length] = (byte) 0xC3; // a lead byte followed by no continuation byte
        out[text.length + 1] = (byte) 0x28;
        out[text.length + 2] = '"';
        out[text.length + 3] = '}';
        return out;
      default:
        throw new IllegalArgumentException("Invalid malformed kind " + kind);
    }
  }

  /** The article as JSON; {@code defect} MISSING_FIELD drops the content, WRONG_TYPE splits it. */
  private byte[] json(String id, Kind defect) {
    String title = title();
    String author = faker.name().fullName();
    OffsetDateTime published =
        NEWEST
            .minusSeconds((long) (random.nextDouble() * TWO_YEARS_SECONDS))
            .atOffset(OFFSETS.get(random.nextInt(OFFSETS.size())));
    String content = defect == Kind.MISSING_FIELD ? null : content();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(6 * 1024);
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeStringField("article_id", id);
      g.writeStringField("title", title);
      g.writeStringField("author", author);
      g.writeStringField("publish_date", published.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
      if (defect == Kind.WRONG_TYPE) {
        g.writeArrayFieldStart("content"); // paragraphs as an array: content must be a string
        for (String paragraph : content.split("\n\n")) {
          g.writeString(paragraph);
        }
        g.writeEndArray();
      } else if (content != null) {
        g.writeStringField("content", content);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private String title() {
    switch (random.nextInt(4)) {
      case 0:
        return faker.book().title();
      case 1:
        return faker.company().name() + " " + faker.company().bs();
      case 2:
        return capitalize(faker.company().buzzword()) + " in " + faker.address().cityName();
      default:
        return faker.lorem().sentence(6 + random.nextInt(5));
    }
  }

  private String content() {
    StringBuilder text = new StringBuilder(5 * 1024);
    for (int p = 0; p < PARAGRAPHS; p++) {
      if (p > 0) {
        text.append("\n\n");
      }
      int count = 4 + random.nextInt(4);
      for (int s = 0; s < count; s++) {
        if (s > 0) {
          text.append(' ');
        }
        text.append(sentences.get(random.nextInt(sentences.size())).get().strip());
      }
    }
    return text.toString();
  }

  private UUID uuid() {
    long most = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(most, least);
  }

  private static String sentence(String phrase) {
    return capitalize(phrase) + ".";
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Settings; not thread safe. */
  public static final class Builder {
    private long seed = 42;
    private double malformedShare;

    private Builder() {}

    /** The seed everything follows from; default 42. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * The probability that a record is malformed, 0 (default) to 1.
     *
     * @throws IllegalArgumentException outside [0, 1]
     */
    public Builder malformedShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException(
            "Invalid malformed share " + share + ": must be between 0 and 1 (e.g. 0.02)");
      }
      this.malformedShare = share;
      return this;
    }

    public ArticleGenerator build() {
      return new ArticleGenerator(this);
    }
  }
}
