package io.minietl.flink;

import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestParser;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.manifest.ShardEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * What one checkpoint adds to the dataset: the uploaded Arrow shards and error files (each entry
 * with its per-feature statistics), the Kinesis position of every shard they were read from, and
 * when their upload started ({@code uploadedAt}: the commit deadline counts from it; {@link
 * Instant#EPOCH} when unknown, which is always past it). A writer makes one per checkpoint; the
 * aggregator merges those of a checkpoint into the one the committer turns into a manifest version.
 * Immutable.
 */
record DatasetCommittable(
    List<ShardEntry> shards,
    List<ErrorFileEntry> errorFiles,
    Map<String, ShardCheckpoint> positions,
    Instant uploadedAt) {

  DatasetCommittable {
    shards = List.copyOf(shards);
    errorFiles = List.copyOf(errorFiles);
    positions = Map.copyOf(positions);
    uploadedAt = java.util.Objects.requireNonNull(uploadedAt, "uploadedAt");
  }

  boolean isEmpty() {
    return shards.isEmpty() && errorFiles.isEmpty() && positions.isEmpty();
  }

  /**
   * The committables of one checkpoint as one; a Kinesis shard's furthest position wins, the
   * earliest upload counts.
   */
  static DatasetCommittable merge(Collection<DatasetCommittable> parts) {
    List<ShardEntry> shards = new ArrayList<>();
    List<ErrorFileEntry> errors = new ArrayList<>();
    Map<String, ShardCheckpoint> positions = new TreeMap<>();
    Instant uploadedAt = null;
    for (DatasetCommittable c : parts) {
      shards.addAll(c.shards());
      errors.addAll(c.errorFiles());
      c.positions().forEach((shard, cp) -> positions.merge(shard, cp, DatasetCommittable::later));
      uploadedAt =
          uploadedAt == null || c.uploadedAt().isBefore(uploadedAt) ? c.uploadedAt() : uploadedAt;
    }
    return new DatasetCommittable(
        shards, errors, positions, uploadedAt == null ? Instant.EPOCH : uploadedAt);
  }

  /** The further of two positions of one shard: closed beats open, then the higher number. */
  static ShardCheckpoint later(ShardCheckpoint a, ShardCheckpoint b) {
    return notBehind(a, b) ? a : b;
  }

  /** Whether {@code a} is at or after {@code b}. */
  static boolean notBehind(ShardCheckpoint a, ShardCheckpoint b) {
    if (a.closed()) {
      return true;
    }
    if (b.closed()) {
      return false;
    }
    if (b.sequenceNumber() == null) {
      return true;
    }
    if (a.sequenceNumber() == null) {
      return false;
    }
    int bySequence =
        new BigInteger(a.sequenceNumber()).compareTo(new BigInteger(b.sequenceNumber()));
    if (bySequence != 0) {
      return bySequence > 0;
    }
    // The same record: a whole one is past every user record of it; else the higher user record.
    if (a.subSequenceNumber().isEmpty()) {
      return true;
    }
    return b.subSequenceNumber().isPresent()
        && a.subSequenceNumber().getAsLong() >= b.subSequenceNumber().getAsLong();
  }

  /**
   * Committables in Flink state. The form is a manifest document (the manifest's own JSON for
   * entries and checkpoints, through etl-core's {@link ManifestParser}), so a field the manifest
   * model gains travels here without a second serializer to keep in step. Version 2 carries the
   * upload time in the carrier's {@code committedAt}; version 1 (before the commit deadline) had
   * none: its committables read back with {@link Instant#EPOCH}, past any deadline, so their files
   * are uploaded again (or the job stops if gc took them) rather than trusted.
   */
  static final SimpleVersionedSerializer<DatasetCommittable> SERIALIZER =
      new SimpleVersionedSerializer<>() {
        private static final String CARRIER = "flink-committable";

        @Override
        public int getVersion() {
          return 2;
        }

        @Override
        public byte[] serialize(DatasetCommittable c) {
          Manifest carrier =
              Manifest.builder()
                  .version(1)
                  .snapshotVersion(1)
                  .committedAt(c.uploadedAt())
                  .writerId(CARRIER)
                  .addedShards(c.shards())
                  .shards(c.shards())
                  .addedErrorFiles(c.errorFiles())
                  .errorFiles(c.errorFiles())
                  .checkpoint(c.positions())
                  .build();
          return ManifestParser.toJsonBytes(carrier);
        }

        @Override
        public DatasetCommittable deserialize(int version, byte[] serialized) throws IOException {
          if (version != 1 && version != 2) {
            throw new IOException("Unknown committable version " + version);
          }
          Manifest m = ManifestParser.fromJson(serialized);
          return new DatasetCommittable(
              m.addedShards(),
              m.addedErrorFiles(),
              m.checkpoint(),
              version == 1 ? Instant.EPOCH : m.committedAt());
        }
      };
}
