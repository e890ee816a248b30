package io.minietl.core.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.StringWriter;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.EnumSet;
import java.util.Set;

/**
 * Parses the raw bytes of one input record into an {@link Article}.
 *
 * <p>The input contract (docs/DESIGN.md, "Input record"): one UTF-8 JSON object with {@code
 * article_id} and {@code content} (strings, required), {@code title}, {@code author}, {@code
 * summary} (strings or null, optional), {@code publish_date} (ISO-8601, optional). Every other
 * field is kept, as one JSON object string ({@link Article#extraFieldsJson()}). When a field occurs
 * twice the last occurrence wins, as in Python's {@code json.loads}.
 *
 * <p>{@link #parse} never throws on bad input: every failure is an {@linkplain ParseResult#invalid
 * invalid result} with an {@link InvalidReason} and a message. An {@code publish_date} that is not
 * a parseable ISO-8601 string is not a failure: the date is null and the result carries {@link
 * ParseWarning#UNPARSEABLE_PUBLISH_DATE}.
 *
 * <p>Thread-safe; one instance serves any number of threads. Uses Jackson's streaming parser (no
 * intermediate tree or map).
 */
public final class RecordParser {
  /** The Kinesis maximum record size, 1 MiB: the default {@link Builder#maxRecordBytes}. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

  /** The default {@link Builder#maxNestingDepth}, counting the record's own object as 1. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

  private static final String ARTICLE_ID = "article_id";
  private static final String TITLE = "title";
  private static final String AUTHOR = "author";
  private static final String PUBLISH_DATE = "publish_date";
  private static final String CONTENT = "content";
  private static final String SUMMARY = "summary";

  private final int maxRecordBytes;
  private final int maxNestingDepth;
  private final JsonFactory json;

  private RecordParser(Builder b) {
    this.maxRecordBytes = b.maxRecordBytes;
    this.maxNestingDepth = b.maxNestingDepth;
    this.json =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(b.maxNestingDepth)
                    .maxStringLength(Math.max(b.maxRecordBytes, 1))
                    .maxDocumentLength(b.maxRecordBytes)
                    .build())
            .build();
  }

  /** A parser with the default bounds (1 MiB records, nesting depth 64). */
  public static RecordParser create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  /** Parses a whole array. See {@link #parse(byte[], int, int)}. */
  public ParseResult parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Parses {@code length} bytes of {@code bytes} from {@code offset}. Never throws on bad input.
   */
  public ParseResult parse(byte[] bytes, int offset, int length) {
    if (length > maxRecordBytes) {
      return ParseResult.invalid(
          InvalidReason.TOO_LARGE,
          "Record of " + length + " bytes exceeds the maximum of " + maxRecordBytes + " bytes");
    }
    int bad = Utf8.firstInvalid(bytes, offset, length);
    if (bad >= 0) {
      return ParseResult.invalid(
          InvalidReason.NOT_UTF8,
          String.format("Invalid UTF-8 at byte %d (0x%02x)", bad - offset, bytes[bad] & 0xFF));
    }
    try (JsonParser p = json.createParser(bytes, offset, length)) {
      return parseObject(p, Utf8.mayHaveSurrogateEscape(bytes, offset, length));
    } catch (StreamConstraintsException e) {
      if (e.getMessage() != null && e.getMessage().contains("nesting depth")) {
        return ParseResult.invalid(
            InvalidReason.TOO_DEEP,
            "JSON nests deeper than the maximum depth of " + maxNestingDepth);
      }
      return ParseResult.invalid(InvalidReason.TOO_LARGE, firstLine(e.getOriginalMessage()));
    } catch (JsonProcessingException e) {
      return ParseResult.invalid(InvalidReason.NOT_JSON, firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      // Parsing a byte array does no I/O; Jackson still declares it.
      return ParseResult.invalid(InvalidReason.NOT_JSON, firstLine(e.getMessage()));
    }
  }

  private ParseResult parseObject(JsonParser p, boolean checkSurrogates) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      return ParseResult.invalid(InvalidReason.NOT_JSON, "Empty record: no JSON value");
    }
    if (first != JsonToken.START_OBJECT) {
      // Read the whole value so that broken JSON is reported as such, not as "not an object".
      p.skipChildren();
      if (p.nextToken() != null) {
        return trailingContent();
      }
      return ParseResult.invalid(
          InvalidReason.NOT_AN_OBJECT, "Expected a JSON object but found " + describe(first));
    }
    String articleId = null;
    String content = null;
    Article.Builder article = Article.builder();
    Set<ParseWarning> warnings = Set.of();
    StringWriter extraOut = null;
    JsonGenerator extra = null;

    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      JsonToken value = p.nextToken();
      switch (name) {
        case ARTICLE_ID:
        case CONTENT:
        case TITLE:
        case AUTHOR:
        case SUMMARY:
          String text;
          if (value == JsonToken.VALUE_STRING) {
            text = p.getText();
            if (checkSurrogates && Utf8.firstUnpairedSurrogate(text) >= 0) {
              return unpairedSurrogate("field '" + name + "'", text);
            }
          } else if (value == JsonToken.VALUE_NULL) {
            text = null;
          } else {
            return wrongType(name, value, p);
          }
          switch (name) {
            case ARTICLE_ID:
              articleId = text;
              break;
            case CONTENT:
              content = text;
              break;
            case TITLE:
              article.title(text);
              break;
            case AUTHOR:
              article.author(text);
              break;
            default:
              article.summary(text);
          }
          break;
        case PUBLISH_DATE:
          Instant date = null;
          if (value == JsonToken.VALUE_STRING) {
            date = parseDate(p.getText());
          } else {
            p.skipChildren();
          }
          warnings =
              date == null && value != JsonToken.VALUE_NULL
                  ? EnumSet.of(ParseWarning.UNPARSEABLE_PUBLISH_DATE)
                  : Set.of();
          article.publishDate(date);
          break;
        default:
          if (extra == null) {
            extraOut = new StringWriter();
            extra = json.createGenerator(extraOut);
            extra.writeStartObject();
          }
          extra.writeFieldName(name);
          extra.copyCurrentStructure(p);
      }
    }
    if (p.nextToken() != null) {
      return trailingContent();
    }
    if (articleId == null || content == null) {
      return ParseResult.invalid(
          InvalidReason.MISSING_FIELD,
          "Required field '" + (articleId == null ? ARTICLE_ID : CONTENT) + "' is missing or null");
    }
    if (extra != null) {
      extra.writeEndObject();
      extra.close();
      String extraJson = extraOut.toString();
      // Unknown fields (names and values) are kept as one JSON text, stored as UTF-8 too.
      if (checkSurrogates && Utf8.firstUnpairedSurrogate(extraJson) >= 0) {
        return unpairedSurrogate("an unknown field", extraJson);
      }
      article.extraFieldsJson(extraJson);
    }
    return ParseResult.valid(article.articleId(articleId).content(content).build(), warnings);
  }

  private static ParseResult unpairedSurrogate(String where, String text) {
    int at = Utf8.firstUnpairedSurrogate(text);
    return ParseResult.invalid(
        InvalidReason.UNPAIRED_SURROGATE,
        String.format(
            "Invalid text in %s: unpaired surrogate \\u%04x at character %d cannot be encoded as"
                + " UTF-8",
            where, (int) text.charAt(at), at));
  }

  private static ParseResult trailingContent() {
    return ParseResult.invalid(
        InvalidReason.NOT_JSON, "Unexpected content after the end of the JSON value");
  }

  private static ParseResult wrongType(String field, JsonToken found, JsonParser p)
      throws IOException {
    p.skipChildren();
    return ParseResult.invalid(
        InvalidReason.WRONG_TYPE,
        "Field '" + field + "' must be a string but is " + describe(found));
  }

  /**
   * ISO-8601 with offset ({@code 2024-03-01T10:15:30+01:00}, {@code ...Z}), without offset (read as
   * UTC), or a date alone (midnight UTC); a space instead of {@code T} is accepted, as Python's
   * {@code datetime.fromisoformat} does. Null when the text is none of these.
   */
  static Instant parseDate(String text) {
    String s = text.strip();
    if (s.length() > 10 && s.charAt(10) == ' ') {
      s = s.substring(0, 10) + 'T' + s.substring(11);
    }
    try {
      if (s.length() <= 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      TemporalAccessor t =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      if (t instanceof OffsetDateTime) {
        return ((OffsetDateTime) t).toInstant();
      }
      return ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static String describe(JsonToken token) {
    switch (token) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.toString();
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "Malformed JSON";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  /** Builds a {@link RecordParser}; fails fast on a bad or repeated setting. */
  public static final class Builder {
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;

    private Builder() {}

    /** Records larger than this are {@link InvalidReason#TOO_LARGE}. Default 1 MiB. */
    public Builder maxRecordBytes(int maxRecordBytes) {
      if (maxRecordBytes < 1) {
        throw new IllegalArgumentException(
            "Invalid maxRecordBytes: " + maxRecordBytes + " (must be at least 1)");
      }
      this.maxRecordBytes = maxRecordBytes;
      return this;
    }

    /**
     * JSON nested deeper than this (the record's object is depth 1) is {@link
     * InvalidReason#TOO_DEEP}. Default 64.
     */
    public Builder maxNestingDepth(int maxNestingDepth) {
      if (maxNestingDepth < 1) {
        throw new IllegalArgumentException(
            "Invalid maxNestingDepth: " + maxNestingDepth + " (must be at least 1)");
      }
      this.maxNestingDepth = maxNestingDepth;
      return this;
    }

    public RecordParser build() {
      return new RecordParser(this);
    }
  }
}
