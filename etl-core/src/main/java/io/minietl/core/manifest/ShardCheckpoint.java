package io.minietl.core.manifest;

import java.util.List;
import java.util.Objects;

/**
 * How far one Kinesis shard has been committed: the sequence number of the last record whose effect
 * (a row or an error record) is in the dataset, or {@linkplain #closed() closed} when the shard has
 * been read to its end (after resharding), plus its parent shard ids when known (a child is read
 * only after its parents are closed).
 *
 * <p>Resuming reads {@code AFTER_SEQUENCE_NUMBER} {@link #sequenceNumber()}; a closed shard is not
 * read again. A closed shard may have no sequence number (it held no records). Immutable.
 */
public final class ShardCheckpoint {
  private final String sequenceNumber;
  private final boolean closed;
  private final List<String> parentShardIds;

  private ShardCheckpoint(String sequenceNumber, boolean closed, List<String> parentShardIds) {
    if (!closed) {
      Checks.nonBlank(sequenceNumber, "sequence number of an open shard checkpoint");
    } else if (sequenceNumber != null) {
      Checks.nonBlank(sequenceNumber, "sequence number");
    }
    this.sequenceNumber = sequenceNumber;
    this.closed = closed;
    Objects.requireNonNull(parentShardIds, "parentShardIds");
    this.parentShardIds = List.copyOf(parentShardIds);
  }

  /** An open shard committed up to and including {@code sequenceNumber}. */
  public static ShardCheckpoint at(String sequenceNumber) {
    return new ShardCheckpoint(sequenceNumber, false, List.of());
  }

  /**
   * A shard read to its end; {@code lastSequenceNumber} is its last record, or null if it had none.
   */
  public static ShardCheckpoint closed(String lastSequenceNumber) {
    return new ShardCheckpoint(lastSequenceNumber, true, List.of());
  }

  /** Any combination, as read back from a manifest. */
  public static ShardCheckpoint of(
      String sequenceNumber, boolean closed, List<String> parentShardIds) {
    return new ShardCheckpoint(sequenceNumber, closed, parentShardIds);
  }

  /** This checkpoint with the given parent shard ids. */
  public ShardCheckpoint withParents(List<String> parentShardIds) {
    return new ShardCheckpoint(sequenceNumber, closed, parentShardIds);
  }

  /** The last committed sequence number (decimal string); null only for a closed, empty shard. */
  public String sequenceNumber() {
    return sequenceNumber;
  }

  /** Whether the shard has been read to its end. */
  public boolean closed() {
    return closed;
  }

  /** The parent shard ids, in the order Kinesis lists them; empty if none or unknown. */
  public List<String> parentShardIds() {
    return parentShardIds;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ShardCheckpoint)) {
      return false;
    }
    ShardCheckpoint that = (ShardCheckpoint) o;
    return closed == that.closed
        && Objects.equals(sequenceNumber, that.sequenceNumber)
        && parentShardIds.equals(that.parentShardIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sequenceNumber, closed, parentShardIds);
  }

  @Override
  public String toString() {
    return (closed ? "closed@" : "at@") + sequenceNumber;
  }
}
