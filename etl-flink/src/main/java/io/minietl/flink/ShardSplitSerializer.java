package io.minietl.flink;

import io.minietl.kinesis.StartPosition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * {@link ShardSplit}s in Flink state: shard id, parents, start position. Version 2 adds the start
 * position's sub-sequence number (a resume inside a KPL aggregate); version 1 is still read.
 */
final class ShardSplitSerializer implements SimpleVersionedSerializer<ShardSplit> {
  static final ShardSplitSerializer INSTANCE = new ShardSplitSerializer();
  static final int VERSION = 2;

  @Override
  public int getVersion() {
    return VERSION;
  }

  @Override
  public byte[] serialize(ShardSplit split) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(split, out);
    }
    return bytes.toByteArray();
  }

  @Override
  public ShardSplit deserialize(int version, byte[] serialized) throws IOException {
    if (version < 1 || version > VERSION) {
      throw new IOException(
          "Unknown shard split version " + version + " (this code reads 1 to " + VERSION + ")");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
      return read(in, version);
    }
  }

  static void write(ShardSplit split, DataOutputStream out) throws IOException {
    out.writeUTF(split.shardId());
    out.writeInt(split.parentShardIds().size());
    for (String p : split.parentShardIds()) {
      out.writeUTF(p);
    }
    StartPosition s = split.start();
    out.writeUTF(s.type().name());
    out.writeBoolean(s.sequenceNumber() != null);
    if (s.sequenceNumber() != null) {
      out.writeUTF(s.sequenceNumber());
    }
    out.writeBoolean(s.timestamp() != null);
    if (s.timestamp() != null) {
      out.writeLong(s.timestamp().getEpochSecond());
      out.writeInt(s.timestamp().getNano());
    }
    out.writeBoolean(s.subSequenceNumber() != null);
    if (s.subSequenceNumber() != null) {
      out.writeLong(s.subSequenceNumber());
    }
  }

  /** A split as {@link #write} wrote it in format {@code version}. */
  static ShardSplit read(DataInputStream in, int version) throws IOException {
    String shardId = in.readUTF();
    int parents = in.readInt();
    List<String> parentIds = new ArrayList<>(parents);
    for (int i = 0; i < parents; i++) {
      parentIds.add(in.readUTF());
    }
    StartPosition.Type type = StartPosition.Type.valueOf(in.readUTF());
    String sequence = in.readBoolean() ? in.readUTF() : null;
    Instant timestamp =
        in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
    Long sub = version >= 2 && in.readBoolean() ? in.readLong() : null;
    return new ShardSplit(shardId, parentIds, new StartPosition(type, sequence, timestamp, sub));
  }
}
