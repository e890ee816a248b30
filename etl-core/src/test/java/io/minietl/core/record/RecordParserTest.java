package io.minietl.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RecordParserTest {
  private final RecordParser parser = RecordParser.create();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private ParseResult parse(String json) {
    return parser.parse(utf8(json));
  }

  @Test
  void fullRecordParsesEveryContractField() {
    ParseResult r =
        parse(
            "{\"article_id\":\"a-1\",\"title\":\"T\",\"author\":\"Ann\","
                + "\"publish_date\":\"2024-03-01T10:15:30+01:00\",\"content\":\"Hello world\","
                + "\"summary\":\"S\"}");

    assertThat(r.isValid()).isTrue();
    assertThat(r.warnings()).isEmpty();
    Article a = r.article();
    assertThat(a.articleId()).isEqualTo("a-1");
    assertThat(a.title()).isEqualTo("T");
    assertThat(a.author()).isEqualTo("Ann");
    assertThat(a.publishDate()).isEqualTo(Instant.parse("2024-03-01T09:15:30Z"));
    assertThat(a.content()).isEqualTo("Hello world");
    assertThat(a.summary()).isEqualTo("S");
    assertThat(a.extraFieldsJson()).isNull();
  }

  @Test
  void optionalFieldsMayBeAbsentOrNull() {
    ParseResult r =
        parse("{\"article_id\":\"a\",\"content\":\"\",\"title\":null,\"summary\":null}");

    assertThat(r.isValid()).isTrue();
    assertThat(r.article().title()).isNull();
    assertThat(r.article().author()).isNull();
    assertThat(r.article().publishDate()).isNull();
    assertThat(r.article().summary()).isNull();
    assertThat(r.article().content()).isEmpty();
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void unknownFieldsAreKeptAsOneJsonObjectInOrder() {
    ParseResult r =
        parse(
            "{\"lang\":\"en\",\"article_id\":\"a\",\"tags\":[\"x\",{\"y\":1.5}],"
                + "\"content\":\"c\",\"score\":3,\"flag\":true,\"none\":null}");

    assertThat(r.article().extraFieldsJson())
        .isEqualTo(
            "{\"lang\":\"en\",\"tags\":[\"x\",{\"y\":1.5}],\"score\":3,\"flag\":true,\"none\":null}");
  }

  @Test
  void escapedAndNonAsciiTextIsDecoded() {
    ParseResult r =
        parse(
            "{\"article_id\":\"\\u00e9\",\"content\":\"caf\u00e9 \\n \uD83D\uDE00 \u4e2d\u6587\"}");

    assertThat(r.article().articleId()).isEqualTo("é");
    assertThat(r.article().content()).isEqualTo("café \n \uD83D\uDE00 中文");
  }

  @Test
  void duplicateFieldTakesTheLastValueLikePython() {
    ParseResult r = parse("{\"article_id\":\"first\",\"content\":\"c\",\"article_id\":\"last\"}");

    assertThat(r.article().articleId()).isEqualTo("last");
  }

  @ParameterizedTest
  @CsvSource({
    "2024-03-01T10:15:30Z, 2024-03-01T10:15:30Z",
    "2024-03-01T10:15:30.123+02:00, 2024-03-01T08:15:30.123Z",
    "2024-03-01T10:15:30, 2024-03-01T10:15:30Z",
    "2024-03-01 10:15:30, 2024-03-01T10:15:30Z",
    "2024-03-01, 2024-03-01T00:00:00Z",
    "2024-03-01T10:15:30-05:00, 2024-03-01T15:15:30Z"
  })
  void publishDateAcceptsIsoWithOrWithoutOffsetAndReadsNoOffsetAsUtc(String text, String utc) {
    ParseResult r =
        parse("{\"article_id\":\"a\",\"content\":\"c\",\"publish_date\":\"" + text + "\"}");

    assertThat(r.warnings()).isEmpty();
    assertThat(r.article().publishDate()).isEqualTo(Instant.parse(utc));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\"yesterday\"", "\"2024-13-45\"", "\"\"", "1709287000", "{\"d\":1}", "[1]"})
  void unparseablePublishDateIsNullWithWarningNotAnError(String value) {
    ParseResult r =
        parse("{\"article_id\":\"a\",\"content\":\"c\",\"publish_date\":" + value + "}");

    assertThat(r.isValid()).isTrue();
    assertThat(r.article().publishDate()).isNull();
    assertThat(r.warnings()).containsExactly(ParseWarning.UNPARSEABLE_PUBLISH_DATE);
  }

  @Test
  void invalidUtf8IsRejectedWithItsOffset() {
    byte[] bytes = utf8("{\"article_id\":\"a\",\"content\":\"xx\"}");
    bytes[28] = (byte) 0xC3; // a lead byte followed by '"' is ill-formed
    ParseResult r = parser.parse(bytes);

    assertThat(r.reason()).isEqualTo(InvalidReason.NOT_UTF8);
    assertThat(r.message()).contains("byte 28");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "C0 AF", // overlong '/'
        "ED A0 80", // encoded surrogate U+D800
        "F4 90 80 80", // above U+10FFFF
        "E2 82", // truncated
        "80", // stray continuation byte
        "FF"
      })
  void everyIllFormedUtf8SequenceIsRejected(String hex) {
    String[] parts = hex.split(" ");
    byte[] prefix = utf8("{\"article_id\":\"a\",\"content\":\"");
    byte[] bytes = new byte[prefix.length + parts.length + 2];
    System.arraycopy(prefix, 0, bytes, 0, prefix.length);
    for (int i = 0; i < parts.length; i++) {
      bytes[prefix.length + i] = (byte) Integer.parseInt(parts[i], 16);
    }
    bytes[bytes.length - 2] = '"';
    bytes[bytes.length - 1] = '}';

    assertThat(parser.parse(bytes).reason()).isEqualTo(InvalidReason.NOT_UTF8);
  }

  @Test
  void validMultiByteUtf8AtTheEdgesIsAccepted() {
    // U+0080, U+07FF, U+0800, U+FFFF (not a surrogate), U+10000, U+10FFFF
    String text = "\u0080\u07FF\u0800\uFFFF\uD800\uDC00\uDBFF\uDFFF";
    assertThat(parse("{\"article_id\":\"a\",\"content\":\"" + text + "\"}").article().content())
        .isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "{",
        "{\"article_id\":",
        "not json",
        "{\"a\":1}}",
        "{\"a\":1} x",
        "{'a':1}"
      })
  void malformedJsonIsNotJson(String json) {
    ParseResult r = parse(json);

    assertThat(r.reason()).isEqualTo(InvalidReason.NOT_JSON);
    assertThat(r.message()).isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", "true"})
  void jsonThatIsNotAnObjectIsNotAnObject(String json) {
    assertThat(parse(json).reason()).isEqualTo(InvalidReason.NOT_AN_OBJECT);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"content\":\"c\"}|article_id",
        "{\"article_id\":\"a\"}|content",
        "{\"article_id\":null,\"content\":\"c\"}|article_id",
        "{\"article_id\":\"a\",\"content\":null}|content"
      })
  void missingOrNullRequiredFieldIsNamed(String json, String field) {
    ParseResult r = parse(json);

    assertThat(r.reason()).isEqualTo(InvalidReason.MISSING_FIELD);
    assertThat(r.message()).contains("'" + field + "'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"article_id\":7,\"content\":\"c\"}|article_id",
        "{\"article_id\":\"a\",\"content\":[\"c\"]}|content",
        "{\"article_id\":\"a\",\"content\":\"c\",\"title\":{\"x\":1}}|title",
        "{\"article_id\":\"a\",\"content\":\"c\",\"author\":false}|author",
        "{\"article_id\":\"a\",\"content\":\"c\",\"summary\":1.5}|summary"
      })
  void knownFieldOfWrongTypeIsWrongType(String json, String field) {
    ParseResult r = parse(json);

    assertThat(r.reason()).isEqualTo(InvalidReason.WRONG_TYPE);
    assertThat(r.message()).contains("'" + field + "'");
  }

  @Test
  void recordAboveMaxBytesIsTooLargeBeforeParsing() {
    RecordParser small = RecordParser.builder().maxRecordBytes(20).build();
    ParseResult r = small.parse(utf8("{\"article_id\":\"a\",\"content\":\"long enough\"}"));

    assertThat(r.reason()).isEqualTo(InvalidReason.TOO_LARGE);
    assertThat(r.message()).contains("20 bytes");
  }

  @Test
  void defaultMaxIsTheKinesisRecordLimit() {
    String content = "x".repeat(RecordParser.DEFAULT_MAX_RECORD_BYTES);
    ParseResult r = parse("{\"article_id\":\"a\",\"content\":\"" + content + "\"}");

    assertThat(r.reason()).isEqualTo(InvalidReason.TOO_LARGE);
    String fits = "x".repeat(RecordParser.DEFAULT_MAX_RECORD_BYTES - 40);
    assertThat(parse("{\"article_id\":\"a\",\"content\":\"" + fits + "\"}").isValid()).isTrue();
  }

  @Test
  void nestingDeeperThanTheBoundIsTooDeep() {
    RecordParser shallow = RecordParser.builder().maxNestingDepth(3).build();
    String ok = "{\"article_id\":\"a\",\"content\":\"c\",\"x\":{\"y\":[1]}}"; // depth 3
    String deep = "{\"article_id\":\"a\",\"content\":\"c\",\"x\":{\"y\":[[1]]}}"; // depth 4

    assertThat(shallow.parse(utf8(ok)).isValid()).isTrue();
    ParseResult r = shallow.parse(utf8(deep));
    assertThat(r.reason()).isEqualTo(InvalidReason.TOO_DEEP);
    assertThat(r.message()).contains("3");
  }

  @Test
  void defaultDepthRejectsPathologicalNestingWithoutStackOverflow() {
    String deep = "{\"article_id\":\"a\",\"content\":\"c\",\"x\":" + "[".repeat(100_000);
    assertThat(parse(deep).reason()).isEqualTo(InvalidReason.TOO_DEEP);
  }

  @Test
  void parsesASliceOfALargerArray() {
    byte[] framed = utf8("XXX{\"article_id\":\"a\",\"content\":\"c\"}YYY");
    ParseResult r = parser.parse(framed, 3, framed.length - 6);

    assertThat(r.article().articleId()).isEqualTo("a");
  }

  @Test
  void builderRejectsNonPositiveBounds() {
    assertThatThrownBy(() -> RecordParser.builder().maxRecordBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxRecordBytes");
    assertThatThrownBy(() -> RecordParser.builder().maxNestingDepth(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxNestingDepth");
  }

  @Test
  void invalidResultHasNoArticle() {
    ParseResult r = parse("[]");

    assertThat(r.isValid()).isFalse();
    assertThatThrownBy(r::article).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void invalidReasonCodesRoundTrip() {
    for (InvalidReason reason : InvalidReason.values()) {
      assertThat(InvalidReason.fromCode(reason.code())).isEqualTo(reason);
    }
    assertThatThrownBy(() -> InvalidReason.fromCode("nope")).hasMessageContaining("'nope'");
  }

  /**
   * An escaped surrogate that is not half of a pair names no character: Python's {@code
   * json.loads('"\\ud800"')} accepts it but {@code .encode("utf-8")} raises, and Java's encoder
   * writes {@code ?} instead. Such a record is an error with its own reason, whichever string holds
   * it. Inputs are raw JSON text: the backslash escapes are in the record's bytes.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"article_id\":\"a\",\"content\":\"x \\ud800 y\"}|field 'content'|\\ud800 at character 2",
        "{\"article_id\":\"a\",\"content\":\"\\udc00\"}|field 'content'|\\udc00 at character 0",
        "{\"article_id\":\"a\",\"content\":\"\\uD83D\\u0041\"}|field 'content'|\\ud83d at character 0",
        "{\"article_id\":\"a\",\"content\":\"\\ude00\\ud83d\"}|field 'content'|\\ude00 at character 0",
        "{\"article_id\":\"\\ud800\",\"content\":\"c\"}|field 'article_id'|\\ud800",
        "{\"article_id\":\"a\",\"title\":\"\\ud800\",\"content\":\"c\"}|field 'title'|\\ud800",
        "{\"article_id\":\"a\",\"content\":\"c\",\"tags\":[\"ok\",\"\\udbff\"]}|an unknown field|\\udbff",
      })
  void anUnpairedSurrogateEscapeIsItsOwnError(String json, String where, String what) {
    ParseResult r = parse(json);

    assertThat(r.isValid()).isFalse();
    assertThat(r.reason()).isEqualTo(InvalidReason.UNPAIRED_SURROGATE);
    assertThat(r.reason().code()).isEqualTo("unpaired_surrogate");
    assertThat(r.message())
        .startsWith("Invalid text in " + where + ": unpaired surrogate ")
        .contains(what)
        .endsWith("cannot be encoded as UTF-8");
  }

  @Test
  void anUnpairedSurrogateInAFieldNameIsRejectedByTheJsonParser() {
    // Jackson itself refuses it in a name (not in a value): malformed JSON, with its reason.
    ParseResult r = parse("{\"article_id\":\"a\",\"content\":\"c\",\"\\ud800\":1}");

    assertThat(r.reason()).isEqualTo(InvalidReason.NOT_JSON);
    assertThat(r.message()).startsWith("Broken surrogate pair in field name");
  }

  @Test
  void aSurrogatePairEscapeIsTheCharacterItNames() {
    // U+1F600 escaped as a pair, in content and in an unknown field, upper and lower case hex.
    ParseResult r =
        parse(
            "{\"article_id\":\"a\",\"content\":\"hi \\ud83d\\ude00 there\","
                + "\"mood\":\"\\uD83D\\uDE00\"}");

    assertThat(r.isValid()).isTrue();
    assertThat(r.article().content()).isEqualTo("hi \uD83D\uDE00 there");
    assertThat(r.article().content().codePointAt(3)).isEqualTo(0x1F600);
    assertThat(r.article().extraFieldsJson()).isEqualTo("{\"mood\":\"\uD83D\uDE00\"}");
  }

  @Test
  void anEscapedBackslashBeforeUIsNoSurrogate() {
    ParseResult r = parse("{\"article_id\":\"a\",\"content\":\"C:\\\\ud800\"}");

    assertThat(r.isValid()).isTrue();
    assertThat(r.article().content()).isEqualTo("C:\\ud800");
  }
}
