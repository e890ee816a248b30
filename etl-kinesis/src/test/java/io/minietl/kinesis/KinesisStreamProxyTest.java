package io.minietl.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

class KinesisStreamProxyTest {
  private static KinesisClient client;

  @BeforeAll
  static void buildClient() {
    // Never called: the proxy only reads its configuration for messages.
    client =
        KinesisClient.builder()
            .region(Region.EU_WEST_1)
            .endpointOverride(URI.create("http://127.0.0.1:1"))
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .build();
  }

  @AfterAll
  static void closeClient() {
    client.close();
  }

  @Test
  void throttlingErrorsBecomeThrottledException() {
    KinesisStreamProxy proxy = KinesisStreamProxy.create(client, "s");
    assertThat(
            proxy.translate("GetRecords", ProvisionedThroughputExceededException.builder().build()))
        .isInstanceOf(ThrottledException.class);
    assertThat(proxy.translate("ListShards", LimitExceededException.builder().build()))
        .isInstanceOf(ThrottledException.class);
    assertThat(proxy.translate("GetRecords", KmsThrottlingException.builder().build()))
        .isInstanceOf(ThrottledException.class);
  }

  @Test
  void expiredIteratorBecomesOurs() {
    KinesisStreamProxy proxy = KinesisStreamProxy.create(client, "s");
    var sdk =
        software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException.builder().build();
    assertThat(proxy.translate("GetRecords", sdk))
        .isInstanceOf(ExpiredIteratorException.class)
        .hasCause(sdk);
  }

  @Test
  void resourceNotFoundNamesTheStreamWhereAndHowToFix() {
    KinesisStreamProxy proxy = KinesisStreamProxy.create(client, "orders");
    assertThat(
            proxy.translate("ListShards", ResourceNotFoundException.builder().message("x").build()))
        .isInstanceOf(StreamNotFoundException.class)
        .hasMessageStartingWith(
            "Cannot find Kinesis stream orders at http://127.0.0.1:1 (region eu-west-1)")
        .hasMessageContaining("AWS_REGION");
  }

  @Test
  void otherErrorsPassThrough() {
    KinesisStreamProxy proxy = KinesisStreamProxy.create(client, "s");
    assertThat(proxy.translate("GetRecords", InvalidArgumentException.builder().build()))
        .isInstanceOf(IllegalArgumentException.class);
    SdkClientException io = SdkClientException.create("Connection refused");
    assertThat(proxy.translate("GetRecords", io)).isSameAs(io);
  }

  @Test
  void rejectsLimitsKinesisRejects() {
    KinesisStreamProxy proxy = KinesisStreamProxy.create(client, "s");
    assertThatThrownBy(() -> proxy.getRecords("it", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> proxy.getRecords("it", 10_001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KinesisStreamProxy.create(client, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shardDescriptionTakesBothParentsAndTheRange() {
    Shard merged =
        Shard.builder()
            .shardId("shardId-3")
            .parentShardId("shardId-1")
            .adjacentParentShardId("shardId-2")
            .sequenceNumberRange(
                SequenceNumberRange.builder()
                    .startingSequenceNumber("100")
                    .endingSequenceNumber("9223372036854775807")
                    .build())
            .build();
    ShardDescription d = KinesisStreamProxy.describe(merged);
    assertThat(d.parentShardIds()).containsExactly("shardId-1", "shardId-2");
    assertThat(d.startingSequenceNumber()).isEqualTo("100");
    assertThat(d.isClosed()).isTrue();
    assertThat(KinesisStreamProxy.describe(Shard.builder().shardId("s0").build()).parentShardIds())
        .isEmpty();
  }

  @Test
  void batchMapsRecordsChildrenAndLag() {
    Instant t = Instant.parse("2024-05-01T10:00:00Z");
    GetRecordsResponse end =
        GetRecordsResponse.builder()
            .records(
                Record.builder()
                    .sequenceNumber("49")
                    .partitionKey("pk")
                    .approximateArrivalTimestamp(t)
                    .data(SdkBytes.fromUtf8String("hello"))
                    .build())
            .millisBehindLatest(1234L)
            .childShards(
                ChildShard.builder().shardId("c1").build(),
                ChildShard.builder().shardId("c2").build())
            .build();
    RecordBatch batch = KinesisStreamProxy.toBatch(end);
    assertThat(batch.isShardEnd()).isTrue();
    assertThat(batch.millisBehindLatest()).isEqualTo(1234L);
    assertThat(batch.childShardIds()).containsExactly("c1", "c2");
    StreamRecord r = batch.records().get(0);
    assertThat(r.sequenceNumber()).isEqualTo("49");
    assertThat(r.approximateArrivalTime()).isEqualTo(t);
    assertThat(new String(r.data(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hello");

    RecordBatch open =
        KinesisStreamProxy.toBatch(GetRecordsResponse.builder().nextShardIterator("it").build());
    assertThat(open.isShardEnd()).isFalse();
    assertThat(open.records()).isEmpty();
    assertThat(open.childShardIds()).isEqualTo(List.of());
  }
}
