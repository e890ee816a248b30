package io.minietl.core.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minietl.core.manifest.Checksums;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.record.InvalidReason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class ErrorRecordWriterTest {

  private static ErrorRecord record(InvalidReason reason, byte[] raw, String seq) {
    return ErrorRecord.builder()
        .reason(reason)
        .message("Cannot parse: " + reason.code())
        .shardId("shardId-000000000001")
        .sequenceNumber(seq)
        .partitionKey("pk-ü-1")
        .approximateArrivalTime(Instant.parse("2026-11-28T10:15:30.123Z"))
        .raw(raw)
        .build();
  }

  @Test
  void writesOneJsonObjectPerLineWithTheDocumentedKeys() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ErrorRecordWriter w = ErrorRecordWriter.create(out)) {
      w.write(record(InvalidReason.NOT_JSON, "{oops".getBytes(StandardCharsets.UTF_8), "495"));
      w.write(record(InvalidReason.MISSING_FIELD, "{}".getBytes(StandardCharsets.UTF_8), "496"));
    }
    String text = out.toString(StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[2]).isEmpty(); // every line ends with \n, no separator elsewhere
    JsonNode first = new ObjectMapper().readTree(lines[0]);
    assertThat(first.get("format_version").intValue()).isEqualTo(1);
    assertThat(first.get("reason").textValue()).isEqualTo("not_json");
    assertThat(first.get("message").textValue()).isEqualTo("Cannot parse: not_json");
    assertThat(first.get("kinesis_shard_id").textValue()).isEqualTo("shardId-000000000001");
    assertThat(first.get("kinesis_sequence_number").textValue()).isEqualTo("495");
    assertThat(first.get("kinesis_partition_key").textValue()).isEqualTo("pk-ü-1");
    assertThat(first.get("approximate_arrival_time").textValue())
        .isEqualTo("2026-11-28T10:15:30.123Z");
    assertThat(first.get("raw_base64").textValue()).isEqualTo("e29vcHM=");
    assertThat(lines[1]).startsWith("{\"format_version\":1,");
  }

  @Test
  void aKplUserRecordCarriesItsSubSequenceNumberAndAPlainOneHasNoKey() throws Exception {
    ErrorRecord user =
        record(InvalidReason.NOT_JSON, "x".getBytes(StandardCharsets.UTF_8), "497").toBuilder()
            .subSequenceNumber(3L)
            .build();
    ErrorRecord plain = record(InvalidReason.NOT_JSON, "y".getBytes(StandardCharsets.UTF_8), "498");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ErrorRecordWriter w = ErrorRecordWriter.create(out)) {
      w.write(user);
      w.write(plain);
    }
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(new ObjectMapper().readTree(lines[0]).get("kinesis_sub_sequence_number").longValue())
        .isEqualTo(3);
    assertThat(lines[1]).doesNotContain("kinesis_sub_sequence_number");
    assertThat(ErrorRecordReader.parseLine(lines[0])).isEqualTo(user);
    assertThat(ErrorRecordReader.parseLine(lines[0]).subSequenceNumber()).isEqualTo(3L);
    assertThat(ErrorRecordReader.parseLine(lines[1])).isEqualTo(plain);
    assertThat(ErrorRecordReader.parseLine(lines[1]).subSequenceNumber()).isNull();
    assertThat(user).isNotEqualTo(user.toBuilder().subSequenceNumber(4L).build());
    assertThatThrownBy(
            () ->
                ErrorRecordReader.parseLine(
                    lines[0].replace(
                        "\"kinesis_sub_sequence_number\":3",
                        "\"kinesis_sub_sequence_number\":\"3\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kinesis_sub_sequence_number");
  }

  @Test
  void gzipFileRoundTripsBinaryGarbageAndCountsWhatItWrote() throws Exception {
    Random random = new Random(42);
    List<ErrorRecord> written = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] garbage = new byte[random.nextInt(300)];
      random.nextBytes(garbage);
      InvalidReason reason = i % 3 == 0 ? InvalidReason.NOT_UTF8 : InvalidReason.TOO_LARGE;
      written.add(
          record(reason, garbage, "49590338271490256608559692538361571095921575989136588898" + i));
    }
    // Edge cases: empty, invalid UTF-8, NUL and newline bytes, a null arrival time.
    written.add(record(InvalidReason.NOT_UTF8, new byte[] {(byte) 0xC3, 0x28, 0, '\n', '\r'}, "1"));
    written.add(
        record(InvalidReason.NOT_JSON, new byte[0], "2").toBuilder()
            .approximateArrivalTime(null)
            .message("line1\nline2\t\"quoted\" \u2028")
            .build());

    ByteArrayOutputStream file = new ByteArrayOutputStream();
    ErrorRecordWriter w = ErrorRecordWriter.gzip(file);
    written.forEach(w::write);
    w.close();
    w.close(); // idempotent

    byte[] bytes = file.toByteArray();
    assertThat(w.records()).isEqualTo(written.size());
    assertThat(w.bytes()).isEqualTo(bytes.length);
    assertThat(w.checksum()).isEqualTo(Checksums.crc32c(bytes));
    assertThat(w.countsByReason())
        .containsExactly(
            Map.entry("not_json", 1L), Map.entry("not_utf8", 68L), Map.entry("too_large", 133L));
    // It is a real gzip file of JSON lines.
    String text =
        new String(
            new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(text.split("\n")).hasSize(written.size());

    List<ErrorRecord> read = ErrorRecordReader.readAllGzip(new ByteArrayInputStream(bytes));
    assertThat(read).isEqualTo(written);
    assertThat(read.get(written.size() - 2).raw()).containsExactly(0xC3, 0x28, 0, '\n', '\r');
    assertThat(read.get(written.size() - 1).approximateArrivalTime()).isNull();

    ErrorFileEntry entry = w.toEntry("errors/dt=2026-11-28/part-x.jsonl.gz");
    assertThat(entry.records()).isEqualTo(written.size());
    assertThat(entry.bytes()).isEqualTo(bytes.length);
    assertThat(entry.checksum()).isEqualTo(Checksums.crc32c(bytes));
    assertThat(entry.countsByReason()).isEqualTo(w.countsByReason());
  }

  @Test
  void anEntryNeedsAClosedWriter() {
    ErrorRecordWriter w = ErrorRecordWriter.gzip(new ByteArrayOutputStream());
    assertThatThrownBy(() -> w.toEntry("errors/x.jsonl.gz"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot describe");
    w.close();
    assertThat(w.toEntry("errors/x.jsonl.gz").records()).isZero();
  }

  @Property(tries = 200)
  void anyBytesRoundTrip(@ForAll byte[] raw, @ForAll String message) {
    ErrorRecord r = record(InvalidReason.NOT_JSON, raw, "7").toBuilder().message(message).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ErrorRecordWriter w = ErrorRecordWriter.create(out)) {
      w.write(r);
    }
    try (ErrorRecordReader reader =
        ErrorRecordReader.create(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(reader.hasNext()).isTrue();
      assertThat(reader.next()).isEqualTo(r);
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void writingAfterCloseFails() {
    ErrorRecordWriter w = ErrorRecordWriter.create(new ByteArrayOutputStream());
    w.close();
    assertThatThrownBy(() -> w.write(record(InvalidReason.NOT_JSON, new byte[1], "1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot write");
  }

  @Test
  void readerSkipsBlankLinesAndIgnoresUnknownKeys() {
    String text =
        "\n{\"format_version\":1,\"reason\":\"some_future_reason\",\"message\":\"m\","
            + "\"kinesis_shard_id\":\"s\",\"kinesis_sequence_number\":\"9\","
            + "\"kinesis_partition_key\":\"\",\"approximate_arrival_time\":null,"
            + "\"raw_base64\":\"AAE=\",\"added_later\":{\"x\":1}}\n\n";
    List<ErrorRecord> read = new ArrayList<>();
    ErrorRecordReader.create(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))
        .forEachRemaining(read::add);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).reason()).isEqualTo("some_future_reason");
    assertThat(read.get(0).raw()).containsExactly(0, 1);
  }

  @Test
  void readerRejectsNewerFormatVersionsAndMissingKeysNamingTheLine() {
    String newer = "{\"format_version\":2,\"reason\":\"x\"}";
    assertThatThrownBy(
            () ->
                ErrorRecordReader.create(
                        new ByteArrayInputStream(("\n" + newer).getBytes(StandardCharsets.UTF_8)))
                    .next())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot read error record format version 2 at line 2: this reader supports up to 1;"
                + " upgrade mini-etl");
    assertThatThrownBy(() -> ErrorRecordReader.parseLine("{\"format_version\":1,\"reason\":\"x\"}"))
        .hasMessage("Invalid error record: missing 'message'");
    assertThatThrownBy(() -> ErrorRecordReader.parseLine("not json"))
        .hasMessageStartingWith("Invalid error record: not JSON");
  }

  @Test
  void builderValidatesAndCopiesTheRawBytes() {
    byte[] raw = {1, 2, 3};
    ErrorRecord r = record(InvalidReason.TOO_DEEP, raw, "5");
    raw[0] = 9;
    assertThat(r.raw()).containsExactly(1, 2, 3);
    r.raw()[1] = 9;
    assertThat(r.raw()).containsExactly(1, 2, 3);
    assertThat(r.rawLength()).isEqualTo(3);
    assertThat(r).isEqualTo(record(InvalidReason.TOO_DEEP, new byte[] {1, 2, 3}, "5"));
    assertThat(r).isNotEqualTo(record(InvalidReason.TOO_DEEP, new byte[] {1, 2, 4}, "5"));
    assertThat(r.hashCode())
        .isEqualTo(record(InvalidReason.TOO_DEEP, new byte[] {1, 2, 3}, "5").hashCode());
    assertThatThrownBy(() -> r.toBuilder().shardId(" ").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shardId");
    assertThatThrownBy(() -> r.toBuilder().raw(null).build())
        .isInstanceOf(NullPointerException.class);
  }
}
