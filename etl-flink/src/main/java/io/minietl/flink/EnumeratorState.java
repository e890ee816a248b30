package io.minietl.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The enumerator's part of a Flink checkpoint: the shards handed to readers and not yet closed in
 * the committed manifest, and splits given back by failed readers and not yet reassigned.
 */
record EnumeratorState(Set<String> assigned, List<ShardSplit> unassigned) {
  EnumeratorState {
    assigned = Set.copyOf(assigned);
    unassigned = List.copyOf(unassigned);
  }

  static final SimpleVersionedSerializer<EnumeratorState> SERIALIZER =
      new SimpleVersionedSerializer<>() {
        @Override
        public int getVersion() {
          // 2: the splits in ShardSplitSerializer's format 2 (with a sub-sequence number).
          return 2;
        }

        @Override
        public byte[] serialize(EnumeratorState state) throws IOException {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(state.assigned().size());
            for (String id : new TreeSet<>(state.assigned())) {
              out.writeUTF(id);
            }
            out.writeInt(state.unassigned().size());
            for (ShardSplit split : state.unassigned()) {
              ShardSplitSerializer.write(split, out);
            }
          }
          return bytes.toByteArray();
        }

        @Override
        public EnumeratorState deserialize(int version, byte[] serialized) throws IOException {
          if (version != 1 && version != 2) {
            throw new IOException("Unknown enumerator state version " + version);
          }
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            int n = in.readInt();
            Set<String> assigned = new TreeSet<>();
            for (int i = 0; i < n; i++) {
              assigned.add(in.readUTF());
            }
            int m = in.readInt();
            List<ShardSplit> unassigned = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
              unassigned.add(ShardSplitSerializer.read(in, version));
            }
            return new EnumeratorState(assigned, unassigned);
          }
        }
      };
}
