package io.minietl.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.kinesis.StartPosition;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardSplitSerializerTest {

  @Test
  void aSplitResumingInsideAKplAggregateRoundTrips() throws Exception {
    ShardSplit inside =
        new ShardSplit(
            "shardId-000000000003",
            List.of("shardId-000000000001"),
            StartPosition.afterSubSequenceNumber(
                "49590338271490256608559692538361571095921575989136588898", 4));
    ShardSplit plain =
        new ShardSplit("s", List.of(), StartPosition.atTimestamp(Instant.ofEpochSecond(5, 7)));

    for (ShardSplit split : List.of(inside, plain)) {
      byte[] bytes = ShardSplitSerializer.INSTANCE.serialize(split);
      assertThat(ShardSplitSerializer.INSTANCE.deserialize(ShardSplitSerializer.VERSION, bytes))
          .isEqualTo(split);
    }
    assertThat(inside.start().subSequenceNumber()).isEqualTo(4L);
    // Resuming after a plain record again has no sub-sequence number.
    assertThat(inside.after("9", null).start()).isEqualTo(StartPosition.afterSequenceNumber("9"));
    assertThat(inside.after("9", 2L).start())
        .isEqualTo(StartPosition.afterSubSequenceNumber("9", 2));
  }

  @Test
  void version1SplitsStillRead() throws Exception {
    // Version 1's layout: shard id, parents, type, sequence number, timestamp; no sub-sequence.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF("shardId-000000000000");
      out.writeInt(0);
      out.writeUTF("AFTER_SEQUENCE_NUMBER");
      out.writeBoolean(true);
      out.writeUTF("123");
      out.writeBoolean(false);
    }

    assertThat(ShardSplitSerializer.INSTANCE.deserialize(1, bytes.toByteArray()))
        .isEqualTo(
            new ShardSplit(
                "shardId-000000000000", List.of(), StartPosition.afterSequenceNumber("123")));
  }
}
