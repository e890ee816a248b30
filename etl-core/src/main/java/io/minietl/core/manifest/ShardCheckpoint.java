package io.minietl.core.manifest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far one Kinesis shard has been committed: the sequence number of the last record whose effect
 * (a row or an error record) is in the dataset, or {@linkplain #closed() closed} when the shard has
 * been read to its end (after resharding), plus its parent shard ids when known (a child is read
 * only after its parents are closed).
 *
 * <p>Resuming reads {@code AFTER_SEQUENCE_NUMBER} {@link #sequenceNumber()}; a closed shard is not
 * read again. A closed shard may have no sequence number (it held no records).
 *
 * <p>Since manifest format version 2 a position may point inside a Kinesis record that a producer
 * aggregated with the Kinesis Producer Library (several user records in one Kinesis record): with a
 * {@link #subSequenceNumber()}, the user records {@code 0..subSequenceNumber} of the record at
 * {@link #sequenceNumber()} are committed and the rest are not, so resuming reads {@code
 * AT_SEQUENCE_NUMBER} and skips the user records up to it. Without one, the whole record is
 * committed. The {@link #arrivalTime()} of the last committed record is kept too, so that a
 * position the stream no longer holds (trimmed by retention) can be reported with its age.
 * Immutable.
 */
public final class ShardCheckpoint {
  private static final long NO_SUB_SEQUENCE = -1;

  private final String sequenceNumber;
  private final long subSequenceNumber;
  private final boolean closed;
  private final List<String> parentShardIds;
  private final Instant arrivalTime;

  private ShardCheckpoint(
      String sequenceNumber,
      long subSequenceNumber,
      boolean closed,
      List<String> parentShardIds,
      Instant arrivalTime) {
    if (!closed) {
      Checks.nonBlank(sequenceNumber, "sequence number of an open shard checkpoint");
    } else if (sequenceNumber != null) {
      Checks.nonBlank(sequenceNumber, "sequence number");
    }
    if (subSequenceNumber < NO_SUB_SEQUENCE) {
      throw new IllegalArgumentException(
          "Invalid sub-sequence number: " + subSequenceNumber + " (must be >= 0)");
    }
    if (subSequenceNumber != NO_SUB_SEQUENCE && sequenceNumber == null) {
      throw new IllegalArgumentException(
          "Invalid shard checkpoint: sub-sequence number "
              + subSequenceNumber
              + " without a sequence number");
    }
    this.sequenceNumber = sequenceNumber;
    this.subSequenceNumber = subSequenceNumber;
    this.closed = closed;
    Objects.requireNonNull(parentShardIds, "parentShardIds");
    this.parentShardIds = List.copyOf(parentShardIds);
    this.arrivalTime = arrivalTime;
  }

  /** An open shard committed up to and including the whole record {@code sequenceNumber}. */
  public static ShardCheckpoint at(String sequenceNumber) {
    return new ShardCheckpoint(sequenceNumber, NO_SUB_SEQUENCE, false, List.of(), null);
  }

  /**
   * An open shard committed up to and including user record {@code subSequenceNumber} of the
   * aggregated record {@code sequenceNumber}.
   */
  public static ShardCheckpoint at(String sequenceNumber, long subSequenceNumber) {
    if (subSequenceNumber < 0) {
      throw new IllegalArgumentException(
          "Invalid sub-sequence number: " + subSequenceNumber + " (must be >= 0)");
    }
    return new ShardCheckpoint(sequenceNumber, subSequenceNumber, false, List.of(), null);
  }

  /**
   * A shard read to its end; {@code lastSequenceNumber} is its last record, or null if it had none.
   */
  public static ShardCheckpoint closed(String lastSequenceNumber) {
    return new ShardCheckpoint(lastSequenceNumber, NO_SUB_SEQUENCE, true, List.of(), null);
  }

  /** Any combination of the format 1 fields, as read back from a manifest. */
  public static ShardCheckpoint of(
      String sequenceNumber, boolean closed, List<String> parentShardIds) {
    return new ShardCheckpoint(sequenceNumber, NO_SUB_SEQUENCE, closed, parentShardIds, null);
  }

  /** This checkpoint with the given parent shard ids. */
  public ShardCheckpoint withParents(List<String> parentShardIds) {
    return new ShardCheckpoint(
        sequenceNumber, subSequenceNumber, closed, parentShardIds, arrivalTime);
  }

  /**
   * This checkpoint with the approximate arrival time of its last committed record (null: unknown).
   */
  public ShardCheckpoint withArrivalTime(Instant arrivalTime) {
    return new ShardCheckpoint(
        sequenceNumber, subSequenceNumber, closed, parentShardIds, arrivalTime);
  }

  /**
   * This checkpoint inside the aggregated record {@link #sequenceNumber()}: its user records up to
   * and including {@code subSequenceNumber} are committed.
   *
   * @throws IllegalArgumentException if {@code subSequenceNumber < 0} or there is no sequence
   *     number
   */
  public ShardCheckpoint withSubSequenceNumber(long subSequenceNumber) {
    if (subSequenceNumber < 0) {
      throw new IllegalArgumentException(
          "Invalid sub-sequence number: " + subSequenceNumber + " (must be >= 0)");
    }
    return new ShardCheckpoint(
        sequenceNumber, subSequenceNumber, closed, parentShardIds, arrivalTime);
  }

  /**
   * The user record of the aggregated record {@link #sequenceNumber()} up to which this shard is
   * committed; empty if the whole record is (always so in format 1 and for records that are not
   * aggregated).
   */
  public OptionalLong subSequenceNumber() {
    return subSequenceNumber == NO_SUB_SEQUENCE
        ? OptionalLong.empty()
        : OptionalLong.of(subSequenceNumber);
  }

  /**
   * The approximate arrival time (Kinesis' ApproximateArrivalTimestamp) of the last committed
   * record; null if unknown (format 1, a closed shard with no records).
   */
  public Instant arrivalTime() {
    return arrivalTime;
  }

  /** Whether this checkpoint uses a field that format version 1 cannot hold. */
  boolean needsFormat2() {
    return subSequenceNumber != NO_SUB_SEQUENCE || arrivalTime != null;
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
        && subSequenceNumber == that.subSequenceNumber
        && Objects.equals(sequenceNumber, that.sequenceNumber)
        && parentShardIds.equals(that.parentShardIds)
        && Objects.equals(arrivalTime, that.arrivalTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sequenceNumber, subSequenceNumber, closed, parentShardIds, arrivalTime);
  }

  @Override
  public String toString() {
    return (closed ? "closed@" : "at@")
        + sequenceNumber
        + (subSequenceNumber == NO_SUB_SEQUENCE ? "" : "/" + subSequenceNumber);
  }
}
