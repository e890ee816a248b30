package io.minietl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

@LocalStack
class S3EmulatorIT {

  @Test
  void putGetAndListRoundTrip(S3Emulator s3) {
    System.out.printf("%s started in %d ms%n", s3, s3.startupTime().toMillis());
    S3Client client = s3.client();
    String bucket = s3.createBucket();

    client.putObject(b -> b.bucket(bucket).key("data/a.arrow"), RequestBody.fromString("alpha"));
    client.putObject(b -> b.bucket(bucket).key("data/b.arrow"), RequestBody.fromString("beta"));
    client.putObject(b -> b.bucket(bucket).key("manifest/1.json"), RequestBody.fromString("{}"));

    assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("data/a.arrow")).asUtf8String())
        .isEqualTo("alpha");
    assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("data/")).contents())
        .extracting(S3Object::key)
        .containsExactly("data/a.arrow", "data/b.arrow");
  }

  @Test
  void conditionalPutIfNoneMatchOnExistingKeyGets412AndKeepsTheContent(S3Emulator s3) {
    S3Client client = s3.client();
    String bucket = s3.createBucket();
    client.putObject(
        b -> b.bucket(bucket).key("manifest/00001.json").ifNoneMatch("*"),
        RequestBody.fromString("first"));

    assertThatThrownBy(
            () ->
                client.putObject(
                    b -> b.bucket(bucket).key("manifest/00001.json").ifNoneMatch("*"),
                    RequestBody.fromString("second")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    assertThat(
            client
                .getObjectAsBytes(b -> b.bucket(bucket).key("manifest/00001.json"))
                .asUtf8String())
        .isEqualTo("first");
  }

  @Test
  void conditionalPutIfMatchWithStaleEtagGets412(S3Client client, S3Emulator s3) {
    String bucket = s3.createBucket();
    String stale =
        client.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v1")).eTag();
    client.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromString("v2"));

    assertThatThrownBy(
            () ->
                client.putObject(
                    b -> b.bucket(bucket).key("k").ifMatch(stale), RequestBody.fromString("v3")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
  }
}
