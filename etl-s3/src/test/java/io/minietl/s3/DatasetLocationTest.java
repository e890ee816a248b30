package io.minietl.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.LocalObjectStore;
import io.minietl.core.storage.ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class DatasetLocationTest {
  @TempDir Path temp;

  @Test
  void s3UrisAreNormalizedAndOpenAnS3StoreThroughTheSupplier() {
    AtomicInteger calls = new AtomicInteger();
    try (S3Client client =
        S3Client.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
            .build()) {
      DatasetLocation location = DatasetLocation.parse(" s3://my-bucket/articles/2026/ ");
      assertThat(location.isLocal()).isFalse();
      assertThat(location.uri()).isEqualTo(URI.create("s3://my-bucket/articles/2026"));
      assertThat(location)
          .isEqualTo(DatasetLocation.of(URI.create("s3://my-bucket/articles/2026")));

      ObjectStore store =
          location.open(
              () -> {
                calls.incrementAndGet();
                return client;
              });
      assertThat(store).isInstanceOf(S3ObjectStore.class);
      assertThat(store.location()).isEqualTo("s3://my-bucket/articles/2026");
      assertThat(calls).hasValue(1);
      assertThat(DatasetLocation.parse("s3://b").uri()).isEqualTo(URI.create("s3://b"));
    }
  }

  @Test
  void fileUrisAndBarePathsOpenALocalStoreWithoutAnS3Client() {
    Path dir = temp.resolve("articles");
    DatasetLocation bare = DatasetLocation.parse(dir.toString());
    DatasetLocation uri = DatasetLocation.parse("file://" + dir);
    DatasetLocation withHost = DatasetLocation.parse("file://localhost" + dir + "/");
    DatasetLocation dotted = DatasetLocation.parse(temp + "/x/../articles");

    assertThat(bare.isLocal()).isTrue();
    assertThat(bare.uri()).isEqualTo(dir.toUri());
    assertThat(uri).isEqualTo(bare);
    assertThat(withHost).isEqualTo(bare);
    assertThat(dotted).isEqualTo(bare);
    ObjectStore store =
        bare.open(
            () -> {
              throw new AssertionError("a local dataset needs no S3 client");
            });
    assertThat(store).isInstanceOf(LocalObjectStore.class);
    assertThat(((LocalObjectStore) store).root()).isEqualTo(dir);
    assertThat(store.location()).isEqualTo(bare.toString()).isEqualTo("file://" + dir);
  }

  @Test
  void aRelativePathIsResolvedAgainstTheWorkingDirectory() {
    DatasetLocation relative = DatasetLocation.parse("target/some-dataset");
    assertThat(relative.uri())
        .isEqualTo(Path.of("target/some-dataset").toAbsolutePath().normalize().toUri());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://bucket/prefix",
        "s3:///prefix",
        "s3://Bucket/prefix",
        "s3://bucket/a//b",
        "file://server/share/ds",
        "file://relative",
        "file:///tmp/x?y=1",
        "gs://bucket/x",
        "s3://bad bucket/x",
        "   "
      })
  void rejectsAnythingElseNamingTheValue(String text) {
    assertThatThrownBy(() -> DatasetLocation.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid dataset "
                + text
                + ": expected s3://bucket/prefix, file:///path or a directory path");
  }
}
