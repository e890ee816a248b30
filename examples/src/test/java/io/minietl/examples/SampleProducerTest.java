package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

class SampleProducerTest {
  /** A stream that fails every entry whose call index and position match the given rule. */
  private static final class FlakyStream implements KinesisClient {
    final List<List<String>> calls = new ArrayList<>();
    final List<String> stored = new ArrayList<>();
    final int failFirstCalls;
    int call;

    FlakyStream(int failFirstCalls) {
      this.failFirstCalls = failFirstCalls;
    }

    @Override
    public PutRecordsResponse putRecords(Consumer<PutRecordsRequest.Builder> request) {
      PutRecordsRequest r = PutRecordsRequest.builder().applyMutation(request).build();
      List<String> keys = new ArrayList<>();
      List<PutRecordsResultEntry> results = new ArrayList<>();
      int failed = 0;
      for (int i = 0; i < r.records().size(); i++) {
        PutRecordsRequestEntry e = r.records().get(i);
        keys.add(e.partitionKey());
        // Every third entry fails while call < failFirstCalls.
        if (call < failFirstCalls && i % 3 == 0) {
          failed++;
          results.add(
              PutRecordsResultEntry.builder()
                  .errorCode("ProvisionedThroughputExceededException")
                  .errorMessage("Rate exceeded for shard")
                  .build());
        } else {
          stored.add(e.partitionKey() + "=" + e.data().asUtf8String());
          results.add(PutRecordsResultEntry.builder().sequenceNumber("s" + i).shardId("0").build());
        }
      }
      call++;
      calls.add(keys);
      return PutRecordsResponse.builder().failedRecordCount(failed).records(results).build();
    }

    @Override
    public String serviceName() {
      return "kinesis";
    }

    @Override
    public void close() {}
  }

  private static SampleProducer producer(FlakyStream stream, int maxAttempts) {
    return SampleProducer.builder().kinesis(stream).stream("s")
        .maxAttempts(maxAttempts)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .build();
  }

  @Test
  void recordsGoInBatchesOfAtMost500() {
    FlakyStream stream = new FlakyStream(0);
    SampleProducer producer = producer(stream, 3);
    for (int i = 0; i < 1201; i++) {
      producer.put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
    }
    producer.flush();
    assertThat(stream.calls).extracting(List::size).containsExactly(500, 500, 201);
    assertThat(producer.recordsPut()).isEqualTo(1201);
    assertThat(producer.retriedEntries()).isZero();
  }

  @Test
  void aBatchIsSentBeforeItWouldExceedFiveMebibytes() {
    FlakyStream stream = new FlakyStream(0);
    SampleProducer producer = producer(stream, 3);
    byte[] big = new byte[1024 * 1024 - 10];
    for (int i = 0; i < 6; i++) {
      producer.put("k" + i, big);
    }
    producer.flush();
    assertThat(stream.calls).extracting(List::size).containsExactly(5, 1);
  }

  @Test
  void failedEntriesAreSentAgainUntilEveryRecordIsStoredOnce() {
    FlakyStream stream = new FlakyStream(2);
    SampleProducer producer = producer(stream, 5);
    for (int i = 0; i < 30; i++) {
      producer.put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
    }
    producer.flush();
    // Call 1: 30 entries, 10 fail; call 2: those 10, 4 fail; call 3: those 4 succeed.
    assertThat(stream.calls).extracting(List::size).containsExactly(30, 10, 4);
    assertThat(stream.calls.get(1))
        .containsExactly("k0", "k3", "k6", "k9", "k12", "k15", "k18", "k21", "k24", "k27");
    assertThat(stream.stored).hasSize(30).doesNotHaveDuplicates();
    assertThat(producer.recordsPut()).isEqualTo(30);
    assertThat(producer.retriedEntries()).isEqualTo(14);
    assertThat(producer.bytesPut())
        .isEqualTo(stream.stored.stream().mapToLong(s -> s.length() - 1).sum());
  }

  @Test
  void entriesThatStillFailAfterMaxAttemptsAreAnErrorNamingTheStreamAndTheCause() {
    FlakyStream stream = new FlakyStream(Integer.MAX_VALUE);
    SampleProducer producer = producer(stream, 3);
    for (int i = 0; i < 9; i++) {
      producer.put("k" + i, new byte[] {1});
    }
    assertThatThrownBy(producer::flush)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Cannot put 1 record(s) into stream s after 3 attempts")
        .hasMessageContaining("ProvisionedThroughputExceededException");
    assertThat(stream.calls).hasSize(3);
  }
}
