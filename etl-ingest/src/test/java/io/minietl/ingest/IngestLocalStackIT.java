package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.KinesisStreams;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Test 1 of issue 3 (see {@link IngestEndToEndIT}) against real LocalStack in Docker, the stack
 * docker-compose runs. Skipped where Docker is missing, as on the project's build machine: this
 * test was written and compiled there, never run. The image is {@code -Dminietl.localstack.image}
 * or the tag below.
 */
@Testcontainers(disabledWithoutDocker = true)
class IngestLocalStackIT {
  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(
              System.getProperty("minietl.localstack.image", "localstack/localstack:4.9"))
          .withServices("kinesis", "s3");

  @TempDir Path temp;

  @Test
  void everyValidRecordLandsOnceAndEveryMalformedOneInErrors() {
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    Region region = Region.of(LOCALSTACK.getRegion());
    try (KinesisClient kinesis =
            KinesisClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(region)
                .credentialsProvider(credentials)
                .build();
        S3Client s3 =
            S3Client.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .forcePathStyle(true)
                .region(region)
                .credentialsProvider(credentials)
                .build()) {
      String stream =
          KinesisStreams.createStream(kinesis, KinesisStreams.uniqueStreamName("localstack"), 4);
      s3.createBucket(b -> b.bucket("articles"));
      PutLog log = new PutLog();
      log.putBatch(kinesis, stream, new Random(11), 0, 1000, 50, 23);
      S3ObjectStore store = S3ObjectStore.create(s3, URI.create("s3://articles/dataset"));

      RunSummary summary =
          IngestRunner.create(
                  KinesisStreamProxy.create(kinesis, stream),
                  store,
                  PutLog.limits(IngestOptions.builder())
                      .tempDir(temp)
                      .maxShardRows(300)
                      .stopWhenIdle(Duration.ofSeconds(2))
                      .build(),
                  line -> {})
              .run();

      log.assertExactlyOnce(store);
      assertThat(summary.recordsRead()).isEqualTo(1000);
    }
  }
}
