package io.minietl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The fault proxy in front of a real s3proxy, reached by the real SDK client. */
@LocalStack
class FaultProxyIT {

  @Test
  void withoutFaultsEveryRequestPassesThroughUnchanged(S3Emulator s3) {
    String bucket = s3.createBucket();
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(1).nextBytes(big);
    try (FaultProxy proxy = FaultProxy.start(0, s3.endpoint(), FaultProxy.Settings.none());
        S3Client client = s3.clientBuilder().endpointOverride(proxy.endpoint()).build()) {
      client.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(big));
      client.putObject(
          b -> b.bucket(bucket).key("m").ifNoneMatch("*"), RequestBody.fromString("first"));

      assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("big")).asByteArray())
          .isEqualTo(big);
      // A conditional write's 412 comes through as s3proxy gave it.
      assertThatThrownBy(
              () ->
                  client.putObject(
                      b -> b.bucket(bucket).key("m").ifNoneMatch("*"),
                      RequestBody.fromString("second")))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
      assertThat(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key("m")).asUtf8String())
          .isEqualTo("first");
      assertThat(proxy.counts().failed()).isZero();
      assertThat(proxy.counts().held()).isZero();
      // Four requests went through the proxy: two PUTs, the GET, the refused conditional PUT.
      assertThat(proxy.counts().forwarded()).isEqualTo(4);
    }
  }

  @Test
  void aFailedPutIsAnswered503AndNeverReachesTheStore(S3Emulator s3) {
    String bucket = s3.createBucket();
    s3.client().putObject(b -> b.bucket(bucket).key("old"), RequestBody.fromString("kept"));
    try (FaultProxy proxy =
            FaultProxy.start(0, s3.endpoint(), new FaultProxy.Settings(1.0, 0, Duration.ZERO, 42));
        S3Client client =
            s3.clientBuilder()
                .endpointOverride(proxy.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(1)))
                .build()) {
      assertThatThrownBy(
              () ->
                  client.putObject(
                      b -> b.bucket(bucket).key("new"), RequestBody.fromString("lost")))
          .isInstanceOfSatisfying(
              S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
      // Only PUTs fail: a GET through the proxy works.
      assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("old")).asUtf8String())
          .isEqualTo("kept");
      assertThatThrownBy(() -> s3.client().headObject(b -> b.bucket(bucket).key("new")))
          .isInstanceOf(NoSuchKeyException.class);
      assertThat(proxy.counts().failed()).isEqualTo(1);
      assertThat(proxy.counts().forwarded()).isEqualTo(1);
    }
  }

  @Test
  void aHeldPutTimesTheClientOutAndIsAppliedAfterwards(S3Emulator s3) throws Exception {
    String bucket = s3.createBucket();
    try (FaultProxy proxy =
            FaultProxy.start(
                0, s3.endpoint(), new FaultProxy.Settings(0, 1.0, Duration.ofSeconds(3), 42));
        S3Client client =
            s3.clientBuilder()
                .endpointOverride(proxy.endpoint())
                .overrideConfiguration(
                    c ->
                        c.retryStrategy(r -> r.maxAttempts(1))
                            .apiCallAttemptTimeout(Duration.ofMillis(500)))
                .build()) {
      assertThatThrownBy(
              () ->
                  client.putObject(
                      b -> b.bucket(bucket).key("late"), RequestBody.fromString("landed late")))
          .isInstanceOf(SdkClientException.class);
      assertThat(proxy.counts().held()).isEqualTo(1);

      // The outcome the client saw as unknown: the PUT is forwarded after the hold and applied.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!exists(s3, bucket, "late") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key("late")).asUtf8String())
          .isEqualTo("landed late");
      assertThat(proxy.counts().forwarded()).isEqualTo(1);
    }
  }

  private static boolean exists(S3Emulator s3, String bucket, String key) {
    try {
      s3.client().headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
