package io.minietl.kinesis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {

  @Test
  void serviceSpecificEndpointWinsOverTheGeneralOne() {
    AwsClients clients =
        AwsClients.builder()
            .environment(
                Map.of(
                    "AWS_ENDPOINT_URL", "http://localhost:4566",
                    "AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567"))
            .build();
    assertThat(clients.kinesisEndpoint()).contains(URI.create("http://127.0.0.1:4567"));
    assertThat(clients.s3Endpoint()).contains(URI.create("http://localhost:4566"));
  }

  @Test
  void theFlagWinsOverTheEnvironment() {
    AwsClients clients =
        AwsClients.builder()
            .environment(Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"))
            .endpoint(URI.create("http://localhost:4566"))
            .build();
    assertThat(clients.s3Endpoint()).contains(URI.create("http://localhost:4566"));
    assertThat(clients.kinesisEndpoint()).contains(URI.create("http://localhost:4566"));
  }

  @Test
  void noEndpointWithoutConfigurationOrWhenConfiguredEndpointsAreIgnored() {
    assertThat(AwsClients.builder().build().s3Endpoint()).isEmpty();
    AwsClients ignoring =
        AwsClients.builder()
            .environment(
                Map.of(
                    "AWS_ENDPOINT_URL", "http://localhost:4566",
                    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"))
            .build();
    assertThat(ignoring.kinesisEndpoint()).isEmpty();
  }

  @Test
  void regionComesFromTheBuilderThenAwsRegion() {
    assertThat(
            AwsClients.builder().environment(Map.of("AWS_REGION", "eu-central-1")).build().region())
        .isEqualTo(Region.EU_CENTRAL_1);
    assertThat(
            AwsClients.builder()
                .environment(Map.of("AWS_REGION", "eu-central-1"))
                .region(Region.US_WEST_2)
                .build()
                .region())
        .isEqualTo(Region.US_WEST_2);
  }

  @Test
  void rejectsEndpointsThatAreNotHttpUrls() {
    AwsClients clients =
        AwsClients.builder().environment(Map.of("AWS_ENDPOINT_URL_S3", "localhost:9000")).build();
    assertThatThrownBy(clients::s3Endpoint)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid endpoint localhost:9000 in AWS_ENDPOINT_URL_S3");
    assertThatThrownBy(() -> AwsClients.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
