package io.minietl.kinesis;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * De-aggregation of Kinesis records written by the Kinesis Producer Library (KPL), whose default is
 * to pack many user records into one Kinesis record.
 *
 * <p>The format is public (the KPL's {@code aggregation-format.md}): the 4 magic bytes {@code F3 89
 * 9A C2}, then a protobuf (proto2) {@code AggregatedRecord}
 *
 * <pre>
 * message AggregatedRecord {
 *   repeated string partition_key_table     = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records                 = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index     = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes  data                    = 3;
 *   repeated Tag    tags                    = 4;   // ignored
 * }
 * </pre>
 *
 * then the 16-byte MD5 digest of the protobuf bytes. The protobuf is decoded by hand here (varints
 * and length-delimited fields; unknown fields are skipped as protobuf requires), so no protobuf
 * runtime is needed. The user record at index {@code i} of {@code records} has sub-sequence number
 * {@code i}, as the KCL numbers them.
 *
 * <p>A record that starts with the magic bytes but is not a well-formed aggregate (too short, MD5
 * mismatch, malformed protobuf, a missing required field, a key index out of its table, a key that
 * is not UTF-8, no user records) is reported with {@link CorruptAggregateException}, never passed
 * through as if it were one plain record. (The KCL passes such a record through; here it would only
 * become a {@code not_utf8} error anyway, because the magic bytes are not valid UTF-8, and that
 * reason would hide what is wrong with it.)
 *
 * <p>Every user record of an aggregate is returned, whatever its explicit hash key: a Kinesis
 * record is stored in exactly one shard, so a sub-record dropped here because its hash key lies
 * outside this shard's range (as the KCL does when given a range) would be lost, not read
 * elsewhere.
 *
 * <p>Stateless and thread safe.
 */
public final class KplAggregation {
  /** The 4 bytes an aggregated record starts with. */
  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  private static final int DIGEST_SIZE = 16;

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LENGTH_DELIMITED = 2;
  private static final int WIRE_FIXED32 = 5;

  private KplAggregation() {}

  /**
   * One user record of an aggregate: its sub-sequence number (its index in the aggregate), its
   * partition key, its explicit hash key (null when the producer gave none) and its data. The data
   * array is owned by the record: do not modify it.
   */
  public record UserRecord(
      int subSequenceNumber, String partitionKey, String explicitHashKey, byte[] data) {
    public UserRecord {
      if (subSequenceNumber < 0) {
        throw new IllegalArgumentException(
            "Invalid sub-sequence number " + subSequenceNumber + ": must be >= 0");
      }
      Objects.requireNonNull(partitionKey, "partitionKey");
      Objects.requireNonNull(data, "data");
    }
  }

  /** Whether {@code data} starts with the KPL magic bytes (and so must be de-aggregated). */
  public static boolean isAggregated(byte[] data) {
    if (data.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The user records of the aggregated record {@code data}, in order (sub-sequence numbers 0, 1,
   * ...).
   *
   * @throws IllegalArgumentException if {@code data} does not start with the magic bytes (check
   *     {@link #isAggregated} first)
   * @throws CorruptAggregateException if it does but is not a well-formed aggregate; the message
   *     says what is wrong
   */
  public static List<UserRecord> deaggregate(byte[] data) {
    if (!isAggregated(data)) {
      throw new IllegalArgumentException("Invalid aggregated record: no KPL magic bytes");
    }
    int end = data.length - DIGEST_SIZE;
    if (end < MAGIC.length) {
      throw new CorruptAggregateException(
          "KPL aggregated record too short: "
              + data.length
              + " bytes, less than the magic bytes and the "
              + DIGEST_SIZE
              + "-byte MD5 trailer");
    }
    byte[] digest = md5(data, MAGIC.length, end - MAGIC.length);
    if (!Arrays.equals(digest, 0, DIGEST_SIZE, data, end, data.length)) {
      throw new CorruptAggregateException(
          "KPL aggregated record's MD5 trailer does not match its "
              + (end - MAGIC.length)
              + "-byte protobuf (truncated or altered)");
    }
    return new Decoder(data, MAGIC.length, end).aggregatedRecord();
  }

  /**
   * The aggregated Kinesis record holding {@code records} in order, as the KPL writes it (magic
   * bytes, protobuf, MD5), for producers and tests: {@link #deaggregate} of the result returns
   * {@code records}. Their sub-sequence numbers must be 0, 1, ... in order; each partition key and
   * explicit hash key is stored once in its table. Put the result with the first user record's
   * partition key, as the KPL does. Kinesis accepts at most 1 MiB per record: keep the aggregate
   * under that (the KPL's own limit is 51,200 bytes).
   *
   * @throws IllegalArgumentException if {@code records} is empty or out of order
   */
  public static byte[] aggregate(List<UserRecord> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("Invalid aggregate: no user records");
    }
    Map<String, Integer> partitionKeys = new LinkedHashMap<>();
    Map<String, Integer> explicitHashKeys = new LinkedHashMap<>();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int i = 0; i < records.size(); i++) {
      UserRecord r = records.get(i);
      if (r.subSequenceNumber() != i) {
        throw new IllegalArgumentException(
            "Invalid aggregate: user record "
                + i
                + " has sub-sequence number "
                + r.subSequenceNumber()
                + " (must be its index)");
      }
      ByteArrayOutputStream record = new ByteArrayOutputStream(r.data().length + 16);
      writeVarint(record, 1 << 3 | WIRE_VARINT);
      writeVarint(record, index(partitionKeys, r.partitionKey()));
      if (r.explicitHashKey() != null) {
        writeVarint(record, 2 << 3 | WIRE_VARINT);
        writeVarint(record, index(explicitHashKeys, r.explicitHashKey()));
      }
      writeField(record, 3, r.data());
      writeField(body, 3, record.toByteArray());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 64);
    out.writeBytes(MAGIC);
    for (String key : partitionKeys.keySet()) {
      writeField(out, 1, key.getBytes(StandardCharsets.UTF_8));
    }
    for (String key : explicitHashKeys.keySet()) {
      writeField(out, 2, key.getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(body.toByteArray());
    byte[] bytes = out.toByteArray();
    out.writeBytes(md5(bytes, MAGIC.length, bytes.length - MAGIC.length));
    return out.toByteArray();
  }

  private static int index(Map<String, Integer> table, String key) {
    Integer index = table.get(key);
    if (index == null) {
      index = table.size();
      table.put(key, index);
    }
    return index;
  }

  private static void writeField(ByteArrayOutputStream out, int field, byte[] value) {
    writeVarint(out, field << 3 | WIRE_LENGTH_DELIMITED);
    writeVarint(out, value.length);
    out.writeBytes(value);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static byte[] md5(byte[] data, int offset, int length) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(data, offset, length);
      return md5.digest();
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 (MessageDigest's Javadoc).
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /** The protobuf reader: a cursor over {@code data[pos, end)}. */
  private static final class Decoder {
    private final byte[] data;
    private int pos;
    private final int end;

    Decoder(byte[] data, int pos, int end) {
      this.data = data;
      this.pos = pos;
      this.end = end;
    }

    List<UserRecord> aggregatedRecord() {
      List<String> partitionKeys = new ArrayList<>();
      List<String> explicitHashKeys = new ArrayList<>();
      // Records refer to the tables by index, and protobuf allows the fields in any order: keep
      // the raw records until the tables are complete.
      List<RawRecord> raw = new ArrayList<>();
      while (pos < end) {
        long key = varint("field key");
        int field = (int) (key >>> 3);
        int wireType = (int) (key & 7);
        if (field == 1 && wireType == WIRE_LENGTH_DELIMITED) {
          partitionKeys.add(string("partition_key_table entry"));
        } else if (field == 2 && wireType == WIRE_LENGTH_DELIMITED) {
          explicitHashKeys.add(string("explicit_hash_key_table entry"));
        } else if (field == 3 && wireType == WIRE_LENGTH_DELIMITED) {
          int length = length("record");
          raw.add(new Decoder(data, pos, pos + length).record(raw.size()));
          pos += length;
        } else {
          skip(field, wireType);
        }
      }
      if (raw.isEmpty()) {
        throw new CorruptAggregateException("KPL aggregated record holds no user records");
      }
      List<UserRecord> records = new ArrayList<>(raw.size());
      for (int i = 0; i < raw.size(); i++) {
        RawRecord r = raw.get(i);
        String ehk = null;
        if (r.explicitHashKeyIndex >= 0) {
          ehk = lookUp(explicitHashKeys, r.explicitHashKeyIndex, "explicit hash key", i);
        }
        records.add(
            new UserRecord(
                i, lookUp(partitionKeys, r.partitionKeyIndex, "partition key", i), ehk, r.data));
      }
      return records;
    }

    private RawRecord record(int index) {
      long partitionKeyIndex = -1;
      long explicitHashKeyIndex = -1;
      byte[] recordData = null;
      while (pos < end) {
        long key = varint("field key");
        int field = (int) (key >>> 3);
        int wireType = (int) (key & 7);
        if (field == 1 && wireType == WIRE_VARINT) {
          partitionKeyIndex = index(varint("partition_key_index"), index);
        } else if (field == 2 && wireType == WIRE_VARINT) {
          explicitHashKeyIndex = index(varint("explicit_hash_key_index"), index);
        } else if (field == 3 && wireType == WIRE_LENGTH_DELIMITED) {
          int length = length("data");
          recordData = Arrays.copyOfRange(data, pos, pos + length);
          pos += length;
        } else {
          skip(field, wireType);
        }
      }
      if (partitionKeyIndex < 0) {
        throw new CorruptAggregateException(
            "KPL user record " + index + " has no partition_key_index (a required field)");
      }
      if (recordData == null) {
        throw new CorruptAggregateException(
            "KPL user record " + index + " has no data (a required field)");
      }
      return new RawRecord(partitionKeyIndex, explicitHashKeyIndex, recordData);
    }

    private static long index(long value, int record) {
      // A uint64 above Long.MAX_VALUE reads as negative: no table is that long either.
      if (value < 0) {
        throw new CorruptAggregateException(
            "KPL user record " + record + " has a key index beyond any table: " + value);
      }
      return value;
    }

    private static String lookUp(List<String> table, long index, String what, int record) {
      if (index >= table.size()) {
        throw new CorruptAggregateException(
            "KPL user record "
                + record
                + " refers to "
                + what
                + " "
                + index
                + " but the table has "
                + table.size());
      }
      return table.get((int) index);
    }

    private void skip(int field, int wireType) {
      if (field == 0) {
        throw new CorruptAggregateException("KPL aggregated record has a protobuf field number 0");
      }
      switch (wireType) {
        case WIRE_VARINT -> varint("field " + field);
        case WIRE_FIXED64 -> advance(8, "field " + field);
        case WIRE_LENGTH_DELIMITED -> advance(length("field " + field), "field " + field);
        case WIRE_FIXED32 -> advance(4, "field " + field);
        default ->
            // 3 and 4 are proto2 groups, which the format never uses; 6 and 7 do not exist.
            throw new CorruptAggregateException(
                "KPL aggregated record has protobuf field "
                    + field
                    + " of unsupported wire type "
                    + wireType);
      }
    }

    private void advance(int n, String what) {
      if (n > end - pos) {
        throw truncated(what);
      }
      pos += n;
    }

    private long varint(String what) {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw truncated(what);
        }
        byte b = data[pos++];
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new CorruptAggregateException(
          "KPL aggregated record has a malformed varint (" + what + "): longer than 10 bytes");
    }

    private int length(String what) {
      long length = varint(what + " length");
      if (length < 0 || length > end - pos) {
        throw truncated(what);
      }
      return (int) length;
    }

    private String string(String what) {
      int length = length(what);
      try {
        String s =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data, pos, length))
                .toString();
        pos += length;
        return s;
      } catch (CharacterCodingException e) {
        throw new CorruptAggregateException(
            "KPL aggregated record has a " + what + " that is not UTF-8");
      }
    }

    private CorruptAggregateException truncated(String what) {
      return new CorruptAggregateException(
          "KPL aggregated record's protobuf is truncated in " + what + " at byte " + pos);
    }
  }

  private record RawRecord(long partitionKeyIndex, long explicitHashKeyIndex, byte[] data) {}
}
