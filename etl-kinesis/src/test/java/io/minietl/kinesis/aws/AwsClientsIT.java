package io.minietl.kinesis.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.Emulators;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.LocalStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

@LocalStack
class AwsClientsIT {

  /** The environment a child runner gets (AWS_ENDPOINT_URL_*, region, keys) is enough. */
  @Test
  void clientsBuiltFromTheStandardEnvironmentReachTheEmulators(Emulators emulators) {
    String stream = emulators.kinesis().createStream(2);
    String bucket = emulators.s3().createBucket();
    AwsClients clients =
        AwsClients.builder().environment(emulators.environment(KinesisFlavor.KINESALITE)).build();

    try (KinesisClient kinesis = clients.newKinesisClient();
        S3Client s3 = clients.newS3Client()) {
      assertThat(KinesisStreamProxy.create(kinesis, stream).listShards()).hasSize(2);
      // Virtual-hosted addressing would send bucket.127.0.0.1: this works only path-style.
      S3ObjectStore store = S3ObjectStore.create(s3, URI.create("s3://" + bucket + "/ds"));
      store.checkAccess();
      store.put("k", "v".getBytes(StandardCharsets.UTF_8));
      assertThat(store.get("k")).isPresent();
    }
  }
}
