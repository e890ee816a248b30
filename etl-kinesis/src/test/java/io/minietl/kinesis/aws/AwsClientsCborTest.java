package io.minietl.kinesis.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Whether the Kinesis client speaks CBOR: the SDK reads one JVM-wide system property, which {@link
 * AwsClients#newKinesisClient()} sets. Each test starts without it and puts back what was there.
 */
class AwsClientsCborTest {
  private static final String PROPERTY = "aws.cborEnabled";
  private String saved;

  @BeforeEach
  void clearProperty() {
    saved = System.getProperty(PROPERTY);
    System.clearProperty(PROPERTY);
  }

  @AfterEach
  void restoreProperty() {
    if (saved == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, saved);
    }
  }

  private static void buildKinesisClient(Map<String, String> environment) {
    try (KinesisClient ignored =
        AwsClients.builder()
            .environment(environment)
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .build()
            .newKinesisClient()) {
      // building it is what decides
    }
  }

  @Test
  void anOverriddenKinesisEndpointTurnsCborOff() {
    buildKinesisClient(Map.of("AWS_ENDPOINT_URL_KINESIS", "http://127.0.0.1:4567"));
    assertThat(System.getProperty(PROPERTY)).isEqualTo("false");
  }

  @Test
  void theRealEndpointKeepsTheSdkDefault() {
    buildKinesisClient(Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"));
    assertThat(System.getProperty(PROPERTY)).isNull();
  }

  @Test
  void cborEnabledInTheEnvironmentWins() {
    buildKinesisClient(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "CBOR_ENABLED", "true"));
    assertThat(System.getProperty(PROPERTY)).isEqualTo("true");
  }

  @Test
  void aPropertySetBeforeIsLeftAlone() {
    System.setProperty(PROPERTY, "true");
    buildKinesisClient(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));
    assertThat(System.getProperty(PROPERTY)).isEqualTo("true");
  }

  @Test
  void theUnmarshallingSymptomWithCborOnGetsTheHint() {
    // What the SDK throws on every GetRecords from kinesalite with CBOR on (seen on this machine).
    SdkClientException symptom =
        SdkClientException.create(
            "Unable to unmarshall response (software.amazon.awssdk.thirdparty.jackson.core.io"
                + ".JsonEOFException: Unexpected end-of-input in VALUE_STRING)");
    assertThat(AwsClients.hint(new RuntimeException("wrapped", symptom)))
        .contains(
            "hint: the Kinesis endpoint does not seem to speak CBOR (kinesalite does not): set"
                + " CBOR_ENABLED=false");

    System.setProperty(PROPERTY, "false");
    assertThat(AwsClients.hint(symptom)).as("CBOR already off: not the cause").isEmpty();
  }

  @Test
  void otherFailuresGetNoHint() {
    assertThat(AwsClients.hint(SdkClientException.create("Unable to execute HTTP request")))
        .isEmpty();
    assertThat(AwsClients.hint(new IllegalStateException("Unable to unmarshall response")))
        .isEmpty();
  }
}
