package io.minietl.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.ObjectStore.PutResult;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ObjectStoreTest {

  @Test
  void parsesBucketAndPrefixWithoutSlashesAtEitherEnd() {
    assertThat(S3ObjectStore.parse(URI.create("s3://my-bucket/articles/2024/")))
        .isEqualTo(new S3ObjectStore.Location("my-bucket", "articles/2024"));
    assertThat(S3ObjectStore.parse(URI.create("s3://my.bucket")))
        .isEqualTo(new S3ObjectStore.Location("my.bucket", ""));
    assertThat(S3ObjectStore.parse(URI.create("s3://b1/")))
        .isEqualTo(new S3ObjectStore.Location("b1", ""));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://bucket/prefix",
        "s3:bucket/prefix",
        "s3:///prefix",
        "s3://Bucket/prefix",
        "s3://bucket:9000/prefix",
        "s3://user@bucket/prefix",
        "s3://bucket/a//b",
        "s3://bucket/p?x=1",
        "file:///tmp/x"
      })
  void rejectsAnythingButS3BucketPrefix(String uri) {
    assertThatThrownBy(() -> S3ObjectStore.create(new FakeS3(), URI.create(uri)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid dataset URI " + uri + ": expected s3://bucket/prefix");
  }

  @Test
  void keysAreRelativeToThePrefix() {
    S3ObjectStore store = S3ObjectStore.create(new FakeS3(), URI.create("s3://b/ds"));
    assertThat(store.objectKey("_manifest/v1.json")).isEqualTo("ds/_manifest/v1.json");
    assertThat(store.location()).isEqualTo("s3://b/ds");
    assertThat(S3ObjectStore.create(new FakeS3(), URI.create("s3://b")).objectKey("k"))
        .isEqualTo("k");
    assertThatThrownBy(() -> store.objectKey("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.objectKey("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a412OnTheFirstAttemptIsAlreadyExists() {
    FakeS3 s3 = new FakeS3().failPut(error(412, 1)).stored("other");
    assertThat(store(s3).putIfAbsent("k", bytes("mine"))).isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(s3.gets.get()).isZero();
  }

  @Test
  void a412AfterAnSdkRetryIsResolvedByReadingBack() {
    FakeS3 ours = new FakeS3().failPut(error(412, 2)).stored("mine");
    assertThat(store(ours).putIfAbsent("k", bytes("mine"))).isEqualTo(PutResult.CREATED);

    FakeS3 theirs = new FakeS3().failPut(error(412, 3)).stored("other");
    assertThat(store(theirs).putIfAbsent("k", bytes("mine"))).isEqualTo(PutResult.ALREADY_EXISTS);

    FakeS3 vanished = new FakeS3().failPut(error(412, 2));
    assertThat(store(vanished).putIfAbsent("k", bytes("mine"))).isEqualTo(PutResult.UNKNOWN);
  }

  @Test
  void a409ConflictReissuesThePut() {
    FakeS3 s3 = new FakeS3().failPut(error(409, 1)).failPut(error(409, 1));
    assertThat(store(s3).putIfAbsent("k", bytes("v"))).isEqualTo(PutResult.CREATED);
    assertThat(s3.puts.get()).isEqualTo(3);

    FakeS3 lost = new FakeS3().failPut(error(409, 1)).failPut(error(412, 1));
    assertThat(store(lost).putIfAbsent("k", bytes("v"))).isEqualTo(PutResult.ALREADY_EXISTS);
  }

  @Test
  void persistentConflictIsUnknown() {
    FakeS3 s3 = new FakeS3();
    for (int i = 0; i < S3ObjectStore.CONFLICT_ATTEMPTS; i++) {
      s3.failPut(error(409, 1));
    }
    assertThat(store(s3).putIfAbsent("k", bytes("v"))).isEqualTo(PutResult.UNKNOWN);
    assertThat(s3.puts.get()).isEqualTo(S3ObjectStore.CONFLICT_ATTEMPTS);
  }

  @Test
  void serverErrorsAndIoErrorsLeftAfterRetriesAreUnknown() {
    assertThat(store(new FakeS3().failPut(error(503, 4))).putIfAbsent("k", bytes("v")))
        .isEqualTo(PutResult.UNKNOWN);
    assertThat(
            store(new FakeS3().failPut(SdkClientException.create("Read timed out")))
                .putIfAbsent("k", bytes("v")))
        .isEqualTo(PutResult.UNKNOWN);
  }

  @Test
  void accessDeniedIsThrownAsS3AccessException() {
    assertThatThrownBy(
            () -> store(new FakeS3().failPut(error(403, 1))).putIfAbsent("k", bytes("v")))
        .isInstanceOf(S3AccessException.class)
        .hasMessageContaining("Cannot access bucket b")
        .hasMessageContaining("access denied");
  }

  private static S3ObjectStore store(FakeS3 s3) {
    return S3ObjectStore.create(s3, URI.create("s3://b/p"));
  }

  private static S3Exception error(int status, int attempts) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .numAttempts(attempts)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode("E" + status).errorMessage("m").build())
            .message("HTTP " + status)
            .build();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Scripted PutObject outcomes (then success) and one stored object for GetObject. */
  private static final class FakeS3 implements S3Client {
    final Deque<RuntimeException> putFailures = new ArrayDeque<>();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger gets = new AtomicInteger();
    byte[] stored;

    FakeS3 failPut(RuntimeException e) {
      putFailures.add(e);
      return this;
    }

    FakeS3 stored(String content) {
      stored = bytes(content);
      return this;
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
      puts.incrementAndGet();
      RuntimeException e = putFailures.poll();
      if (e != null) {
        throw e;
      }
      return PutObjectResponse.builder().build();
    }

    @Override
    public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
      gets.incrementAndGet();
      if (stored == null) {
        throw software.amazon.awssdk.services.s3.model.NoSuchKeyException.builder()
            .statusCode(404)
            .build();
      }
      return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), stored);
    }

    @Override
    public S3ServiceClientConfiguration serviceClientConfiguration() {
      return S3ServiceClientConfiguration.builder().region(Region.US_EAST_1).build();
    }

    @Override
    public String serviceName() {
      return "s3";
    }

    @Override
    public void close() {}
  }
}
