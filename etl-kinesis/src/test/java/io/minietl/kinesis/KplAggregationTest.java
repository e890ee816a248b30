package io.minietl.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.kpl.Messages;

/**
 * The hand-written decoder against independent sources: byte strings written out by hand (their MD5
 * digests computed with Python's hashlib), and the KCL 3.1.0's own KPL protobuf classes (to build
 * aggregates) and {@code AggregatorUtil} (to de-aggregate them).
 */
class KplAggregationTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] MAGIC = HEX.parseHex("f3899ac2");

  @Test
  void decodesAHandWrittenAggregateOfOneRecord() {
    // partition_key_table "a"; records { partition_key_index 0, data "x" }.
    byte[] protobuf = HEX.parseHex("0a01611a0508001a0178");
    // hashlib.md5(bytes.fromhex("0a01611a0508001a0178")).hexdigest()
    byte[] md5 = HEX.parseHex("274fa4a221609241966b02c7afbf4283");

    List<KplAggregation.UserRecord> records =
        KplAggregation.deaggregate(concat(MAGIC, protobuf, md5));

    assertThat(records).hasSize(1);
    assertThat(records.get(0).subSequenceNumber()).isZero();
    assertThat(records.get(0).partitionKey()).isEqualTo("a");
    assertThat(records.get(0).explicitHashKey()).isNull();
    assertThat(records.get(0).data()).isEqualTo("x".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void decodesAHandWrittenAggregateWithAnExplicitHashKey() {
    // partition_key_table "pk"; explicit_hash_key_table "123";
    // records { 0, ehk 0, "A" }, records { 0, "BC" }.
    byte[] protobuf = HEX.parseHex("0a02706b12033132331a07080010001a01411a0608001a024243");
    byte[] md5 = HEX.parseHex("34e8b78d76e86625ddeec29712b4cbaf");

    List<KplAggregation.UserRecord> records =
        KplAggregation.deaggregate(concat(MAGIC, protobuf, md5));

    assertThat(records)
        .extracting(
            KplAggregation.UserRecord::subSequenceNumber,
            KplAggregation.UserRecord::partitionKey,
            KplAggregation.UserRecord::explicitHashKey,
            r -> new String(r.data(), StandardCharsets.US_ASCII))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "pk", "123", "A"),
            org.assertj.core.groups.Tuple.tuple(1, "pk", null, "BC"));
  }

  @Test
  void agreesWithTheKclOnRandomAggregates() throws Exception {
    Random random = new Random(20261202);
    AggregatorUtil kcl = new AggregatorUtil();
    for (int round = 0; round < 200; round++) {
      int keys = 1 + random.nextInt(5);
      Messages.AggregatedRecord.Builder aggregate = Messages.AggregatedRecord.newBuilder();
      for (int k = 0; k < keys; k++) {
        aggregate.addPartitionKeyTable("key-" + k + "-é" + random.nextInt(1000));
        aggregate.addExplicitHashKeyTable(Long.toUnsignedString(random.nextLong()));
      }
      int n = 1 + random.nextInt(round < 100 ? 5 : 300);
      for (int i = 0; i < n; i++) {
        byte[] data = new byte[random.nextInt(i % 7 == 0 ? 3000 : 200)];
        random.nextBytes(data);
        Messages.Record.Builder record =
            Messages.Record.newBuilder()
                .setPartitionKeyIndex(random.nextInt(keys))
                .setData(ByteString.copyFrom(data));
        if (random.nextBoolean()) {
          record.setExplicitHashKeyIndex(random.nextInt(keys));
        }
        if (random.nextInt(4) == 0) {
          // Tags are ignored by both decoders (skipped as an unknown field here).
          record.addTags(Messages.Tag.newBuilder().setKey("t").setValue("v"));
        }
        aggregate.addRecords(record);
      }
      byte[] bytes = aggregated(aggregate.build().toByteArray());

      List<KplAggregation.UserRecord> ours = KplAggregation.deaggregate(bytes);
      List<KinesisClientRecord> theirs =
          kcl.deaggregate(
              List.of(
                  KinesisClientRecord.builder()
                      .sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                      .partitionKey("outer")
                      .data(ByteBuffer.wrap(bytes))
                      .build()));

      assertThat(ours).hasSize(theirs.size()).hasSize(n);
      for (int i = 0; i < n; i++) {
        KinesisClientRecord expected = theirs.get(i);
        KplAggregation.UserRecord actual = ours.get(i);
        assertThat(expected.aggregated()).isTrue();
        assertThat((long) actual.subSequenceNumber()).isEqualTo(expected.subSequenceNumber());
        assertThat(actual.partitionKey()).isEqualTo(expected.partitionKey());
        assertThat(actual.explicitHashKey()).isEqualTo(expected.explicitHashKey());
        byte[] expectedData = new byte[expected.data().remaining()];
        expected.data().get(expectedData);
        assertThat(actual.data()).isEqualTo(expectedData);
      }
    }
  }

  @Test
  void whatAggregateWritesTheKclReadsBack() {
    Random random = new Random(7);
    AggregatorUtil kcl = new AggregatorUtil();
    List<KplAggregation.UserRecord> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] data = new byte[random.nextInt(300)];
      random.nextBytes(data);
      records.add(
          new KplAggregation.UserRecord(
              i, "pk-" + (i % 4), i % 3 == 0 ? Integer.toString(i * 1000) : null, data));
    }
    byte[] bytes = KplAggregation.aggregate(records);

    List<KinesisClientRecord> theirs =
        kcl.deaggregate(
            List.of(
                KinesisClientRecord.builder()
                    .sequenceNumber("1")
                    .partitionKey("pk-0")
                    .data(ByteBuffer.wrap(bytes))
                    .build()));
    assertThat(theirs).hasSize(50);
    for (int i = 0; i < 50; i++) {
      KinesisClientRecord r = theirs.get(i);
      assertThat(r.aggregated()).isTrue();
      assertThat(r.subSequenceNumber()).isEqualTo(i);
      assertThat(r.partitionKey()).isEqualTo("pk-" + (i % 4));
      assertThat(r.explicitHashKey()).isEqualTo(records.get(i).explicitHashKey());
      byte[] data = new byte[r.data().remaining()];
      r.data().get(data);
      assertThat(data).isEqualTo(records.get(i).data());
    }
    // The hand-written one-record aggregate, byte for byte.
    assertThat(
            KplAggregation.aggregate(
                List.of(new KplAggregation.UserRecord(0, "a", null, new byte[] {'x'}))))
        .isEqualTo(aggregated(HEX.parseHex("0a01611a0508001a0178")));
    assertThatThrownBy(() -> KplAggregation.aggregate(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                KplAggregation.aggregate(
                    List.of(new KplAggregation.UserRecord(1, "a", null, new byte[0]))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sub-sequence number 1");
  }

  @Test
  void readsTheFieldsInAnyOrderAndSkipsUnknownOnes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // records first (protobuf allows any field order), then an unknown varint field 9, an
    // unknown fixed32 field 10, an unknown fixed64 field 11, then the table.
    out.writeBytes(HEX.parseHex("1a0508001a0178"));
    out.writeBytes(HEX.parseHex("4801"));
    out.writeBytes(HEX.parseHex("5501020304"));
    out.writeBytes(HEX.parseHex("590102030405060708"));
    out.writeBytes(HEX.parseHex("0a0171"));

    List<KplAggregation.UserRecord> records =
        KplAggregation.deaggregate(aggregated(out.toByteArray()));

    assertThat(records)
        .singleElement()
        .extracting(KplAggregation.UserRecord::partitionKey)
        .isEqualTo("q");
  }

  @Test
  void tellsAggregatedRecordsByTheirMagicBytes() {
    assertThat(KplAggregation.isAggregated(aggregated(HEX.parseHex("0a01611a0508001a0178"))))
        .isTrue();
    assertThat(KplAggregation.isAggregated("{\"article_id\":1}".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(KplAggregation.isAggregated(HEX.parseHex("f3899a"))).isFalse();
    assertThat(KplAggregation.isAggregated(new byte[0])).isFalse();
    assertThatThrownBy(() -> KplAggregation.deaggregate(HEX.parseHex("7b7d")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWrongDigestIsCorruptWhereTheKclPassesTheRecordThrough() {
    byte[] bytes = aggregated(HEX.parseHex("0a01611a0508001a0178"));
    bytes[bytes.length - 1] ^= 1;

    assertThatThrownBy(() -> KplAggregation.deaggregate(bytes))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("MD5");
    // The KCL returns the record unchanged, as one plain record: documented divergence.
    List<KinesisClientRecord> kcl =
        new AggregatorUtil()
            .deaggregate(
                List.of(
                    KinesisClientRecord.builder()
                        .sequenceNumber("1")
                        .partitionKey("p")
                        .data(ByteBuffer.wrap(bytes))
                        .build()));
    assertThat(kcl).singleElement().extracting(KinesisClientRecord::aggregated).isEqualTo(false);
  }

  @Test
  void aTruncatedRecordIsCorrupt() {
    byte[] bytes = aggregated(HEX.parseHex("0a01611a0508001a0178"));
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 3);

    assertThatThrownBy(() -> KplAggregation.deaggregate(truncated))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("MD5");
    assertThatThrownBy(() -> KplAggregation.deaggregate(HEX.parseHex("f3899ac20a0161")))
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining("too short");
  }

  @Test
  void malformedProtobufWithAValidDigestIsCorrupt() {
    // Each is a protobuf whose MD5 trailer is right: what is wrong is inside.
    assertCorrupt("0a05616263", "truncated"); // a key of 5 bytes with 3 present
    assertCorrupt("1a0508001a01", "truncated"); // a record of 5 bytes with 4 present
    assertCorrupt("0a01611a0508011a0178", "partition key 1 but the table has 1");
    assertCorrupt("0a01611a07080010001a0178", "explicit hash key 0 but the table has 0");
    assertCorrupt("0a01611a020800", "no data");
    assertCorrupt("0a01611a031a0178", "no partition_key_index");
    assertCorrupt("0a0161", "no user records");
    assertCorrupt("", "no user records");
    assertCorrupt("0a01611b", "wire type 3");
    assertCorrupt("0a01ff1a0508001a0178", "not UTF-8");
    assertCorrupt("0a0161" + "08" + "ffffffffffffffffffff01", "longer than 10 bytes");
    assertCorrupt("0a01611a0e08ffffffffffffffffff011a0178", "beyond any table");
    assertCorrupt("0261", "field number 0");
  }

  private static void assertCorrupt(String protobufHex, String message) {
    byte[] bytes = aggregated(HEX.parseHex(protobufHex));
    assertThatThrownBy(() -> KplAggregation.deaggregate(bytes))
        .as(protobufHex)
        .isInstanceOf(CorruptAggregateException.class)
        .hasMessageContaining(message);
  }

  /** Magic bytes, the protobuf, its MD5: the KPL's framing. */
  static byte[] aggregated(byte[] protobuf) {
    try {
      return concat(MAGIC, protobuf, MessageDigest.getInstance("MD5").digest(protobuf));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    List<byte[]> list = new ArrayList<>(List.of(parts));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    list.forEach(out::writeBytes);
    return out.toByteArray();
  }
}
