package io.minietl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The same round trip as {@link KinesisEmulatorIT} against real LocalStack in Docker. Skipped where
 * Docker is missing (as on the shared build machine). The image is {@code
 * -Dminietl.localstack.image} or the tag below.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackContainerIT {
  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(
              System.getProperty("minietl.localstack.image", "localstack/localstack:4.9"))
          .withServices("kinesis", "s3");

  @Test
  void recordsPutToATwoShardStreamAreAllReadBackFromTrimHorizon() {
    try (KinesisClient client =
        KinesisClient.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(Region.of(LOCALSTACK.getRegion()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
            .build()) {
      String stream =
          KinesisStreams.createStream(client, KinesisStreams.uniqueStreamName("localstack"), 2);
      KinesisStreams.putRecords(
          client,
          stream,
          IntStream.range(0, 100)
              .mapToObj(i -> KinesisStreams.entry("key-" + i, "record-" + i))
              .toList());

      List<Record> read = KinesisStreams.readAll(client, stream);

      assertThat(read)
          .extracting(r -> r.data().asUtf8String())
          .containsExactlyInAnyOrderElementsOf(
              IntStream.range(0, 100).mapToObj(i -> "record-" + i).toList());
    }
  }
}
