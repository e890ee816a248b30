package io.minietl.flink;

/** The mutable reading state of one split in a reader: the last sequence number emitted. */
final class ShardSplitState {
  private final ShardSplit split;
  private String lastSequenceNumber;
  private Long lastSubSequenceNumber;

  ShardSplitState(ShardSplit split) {
    this.split = split;
  }

  /** {@code subSequenceNumber}: of a KPL user record, null for a plain record. */
  void emitted(String sequenceNumber, Long subSequenceNumber) {
    this.lastSequenceNumber = sequenceNumber;
    this.lastSubSequenceNumber = subSequenceNumber;
  }

  /** The split as a Flink checkpoint holds it: resuming after the last record emitted. */
  ShardSplit toSplit() {
    return split.after(lastSequenceNumber, lastSubSequenceNumber);
  }
}
