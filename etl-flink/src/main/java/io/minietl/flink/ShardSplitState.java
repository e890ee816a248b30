package io.minietl.flink;

/** The mutable reading state of one split in a reader: the last sequence number emitted. */
final class ShardSplitState {
  private final ShardSplit split;
  private String lastSequenceNumber;

  ShardSplitState(ShardSplit split) {
    this.split = split;
  }

  void emitted(String sequenceNumber) {
    this.lastSequenceNumber = sequenceNumber;
  }

  /** The split as a Flink checkpoint holds it: resuming after the last record emitted. */
  ShardSplit toSplit() {
    return split.after(lastSequenceNumber);
  }
}
