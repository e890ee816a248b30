package io.minietl.kinesis.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the {@link KinesisClient} and {@link S3Client} the CLI runs on, from the standard AWS
 * configuration. Immutable and thread safe; each {@code new*Client()} call returns a new client
 * (with its own connection pool) that the caller closes.
 *
 * <p><b>Where settings come from</b>, first match wins:
 *
 * <ul>
 *   <li>Endpoint: {@link Builder#endpoint(URI)} (the {@code --endpoint} flag, both services), then
 *       {@code AWS_ENDPOINT_URL_KINESIS} / {@code AWS_ENDPOINT_URL_S3}, then {@code
 *       AWS_ENDPOINT_URL} in {@link Builder#environment(Map)}, unless {@code
 *       AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true}; otherwise the SDK's own resolution (the real AWS
 *       endpoints, or {@code endpoint_url} in the profile). The SDK reads these variables itself as
 *       well; resolving them here makes the result visible ({@link #kinesisEndpoint()}) and lets S3
 *       switch to path-style addressing, which emulators need, whenever an endpoint is overridden.
 *   <li>Region: {@link Builder#region(Region)}, then {@code AWS_REGION}, then the SDK's default
 *       chain (system property {@code aws.region}, profile, instance metadata).
 *   <li>Credentials: {@code AWS_ACCESS_KEY_ID} + {@code AWS_SECRET_ACCESS_KEY} (+ {@code
 *       AWS_SESSION_TOKEN}) in the environment, then the SDK's default credentials chain.
 * </ul>
 *
 * <p>Library code does not read the process environment: the CLI passes {@code System.getenv()}.
 *
 * <p><b>CBOR and emulators.</b> The SDK talks CBOR to Kinesis by default, which kinesalite
 * mishandles (every GetRecords fails with "Unable to unmarshall response"). Kinesis, LocalStack and
 * kinesis-local speak JSON as well, so {@link #newKinesisClient()} turns CBOR off whenever the
 * Kinesis endpoint is overridden, unless {@code CBOR_ENABLED} (in {@link Builder#environment(Map)})
 * or the system property {@code aws.cborEnabled} says otherwise. The SDK has no per-client switch:
 * it reads that system property (then the process's {@code CBOR_ENABLED}), so the decision is set
 * as the property and holds for every Kinesis client of the JVM. With the real AWS endpoint nothing
 * is changed. {@link #hint(Throwable)} recognises the symptom when CBOR is on anyway.
 *
 * <p><b>HTTP and retries.</b> Apache HttpClient 5 ({@code apache5-client}, the SDK's default sync
 * client): connect timeout 5 s, socket (read) timeout 30 s, pool of 64 connections. SDK retry
 * strategy "standard" (exponential backoff with jitter on 5xx, throttling and I/O errors) with
 * {@link Builder#maxAttempts(int)} attempts (default 4). Kinesis calls have a 20 s per-attempt and
 * 60 s total timeout; S3 calls have none beyond the socket timeout, since shard uploads are large.
 */
public final class AwsClients {
  static final String ENDPOINT = "AWS_ENDPOINT_URL";
  static final String ENDPOINT_KINESIS = "AWS_ENDPOINT_URL_KINESIS";
  static final String ENDPOINT_S3 = "AWS_ENDPOINT_URL_S3";
  static final String IGNORE_ENDPOINTS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
  static final String CBOR_VARIABLE = "CBOR_ENABLED";
  static final String CBOR_PROPERTY = "aws.cborEnabled";

  private final Map<String, String> environment;
  private final URI endpoint;
  private final Region region;
  private final AwsCredentialsProvider credentials;
  private final int maxAttempts;

  private AwsClients(Builder builder) {
    this.environment = Map.copyOf(builder.environment);
    this.endpoint = builder.endpoint;
    this.region = builder.region;
    this.credentials = builder.credentials;
    this.maxAttempts = builder.maxAttempts;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The Kinesis endpoint override in effect, if any. */
  public Optional<URI> kinesisEndpoint() {
    return endpointFor(ENDPOINT_KINESIS);
  }

  /** The S3 endpoint override in effect, if any; S3 then uses path-style addressing. */
  public Optional<URI> s3Endpoint() {
    return endpointFor(ENDPOINT_S3);
  }

  /**
   * Resolves the region and the credentials now, so that a missing one is reported before the first
   * call rather than as a failed request. Returns this.
   *
   * @throws AwsConfigurationException naming what to set
   */
  public AwsClients check() {
    region();
    try {
      credentials().resolveCredentials();
    } catch (SdkClientException e) {
      throw new AwsConfigurationException(
          "No AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
              + " (the SDK's default chain found none)",
          e);
    }
    return this;
  }

  /**
   * Where Kinesis calls go, for messages: {@code http://localhost:4566 (AWS_ENDPOINT_URL_KINESIS)},
   * {@code ... (--endpoint)}, or {@code the AWS endpoint of us-east-1}.
   */
  public String describeKinesisEndpoint() {
    return describe(ENDPOINT_KINESIS);
  }

  /** Where S3 calls go, for messages; see {@link #describeKinesisEndpoint()}. */
  public String describeS3Endpoint() {
    return describe(ENDPOINT_S3);
  }

  private String describe(String serviceVariable) {
    Optional<URI> uri = endpointFor(serviceVariable);
    if (uri.isEmpty()) {
      return "the AWS endpoint of " + region();
    }
    if (endpoint != null) {
      return uri.get() + " (--endpoint)";
    }
    String v = environment.get(serviceVariable);
    return uri.get() + " (" + (v != null && !v.isBlank() ? serviceVariable : ENDPOINT) + ")";
  }

  /**
   * The region in effect.
   *
   * @throws AwsConfigurationException if none is configured anywhere
   */
  public Region region() {
    if (region != null) {
      return region;
    }
    String fromEnv = environment.get("AWS_REGION");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Region.of(fromEnv.trim());
    }
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      throw new AwsConfigurationException(
          "Cannot determine the AWS region: set AWS_REGION (or region in ~/.aws/config)", e);
    }
  }

  /**
   * A new Kinesis client (JSON, not CBOR, when the endpoint is overridden); the caller closes it.
   */
  public KinesisClient newKinesisClient() {
    decideCbor();
    var builder =
        KinesisClient.builder()
            .region(region())
            .credentialsProvider(credentials())
            .httpClientBuilder(httpClient())
            .overrideConfiguration(
                overrides()
                    .apiCallAttemptTimeout(Duration.ofSeconds(20))
                    .apiCallTimeout(Duration.ofSeconds(60))
                    .build());
    kinesisEndpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /** A new S3 client, path-style if the endpoint is overridden; the caller closes it. */
  public S3Client newS3Client() {
    var builder =
        S3Client.builder()
            .region(region())
            .credentialsProvider(credentials())
            .httpClientBuilder(httpClient())
            .overrideConfiguration(overrides().build());
    s3Endpoint().ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
    return builder.build();
  }

  /** An S3 client built on first use (never, for a local dataset); the caller closes it. */
  public LazyS3Client lazyS3Client() {
    return new LazyS3Client(this);
  }

  /**
   * Sets {@code aws.cborEnabled} unless it is set: to {@code CBOR_ENABLED} of the environment when
   * that is given, else to false when the Kinesis endpoint is overridden (see the class comment).
   */
  private void decideCbor() {
    if (System.getProperty(CBOR_PROPERTY) != null) {
      return;
    }
    String configured = environment.get(CBOR_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      System.setProperty(CBOR_PROPERTY, configured.trim());
    } else if (kinesisEndpoint().isPresent()) {
      System.setProperty(CBOR_PROPERTY, "false");
    }
  }

  /**
   * A hint for a Kinesis failure whose cause we recognise, for the line that reports it: today one,
   * a response that cannot be unmarshalled while CBOR is on, the symptom of an endpoint (such as
   * kinesalite) that does not speak CBOR.
   */
  public static Optional<String> hint(Throwable failure) {
    boolean cborOn = !"false".equalsIgnoreCase(System.getProperty(CBOR_PROPERTY, "true").trim());
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (cborOn
          && t instanceof SdkClientException
          && message != null
          && message.startsWith("Unable to unmarshall response")) {
        return Optional.of(
            "hint: the Kinesis endpoint does not seem to speak CBOR (kinesalite does not):"
                + " set CBOR_ENABLED=false");
      }
    }
    return Optional.empty();
  }

  private Optional<URI> endpointFor(String serviceVariable) {
    if (endpoint != null) {
      return Optional.of(endpoint);
    }
    if ("true".equalsIgnoreCase(environment.getOrDefault(IGNORE_ENDPOINTS, "").trim())) {
      return Optional.empty();
    }
    for (String name : new String[] {serviceVariable, ENDPOINT}) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(parseEndpoint(name, value.trim()));
      }
    }
    return Optional.empty();
  }

  static URI parseEndpoint(String source, String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new AwsConfigurationException(
          "Invalid endpoint " + value + " in " + source + ": expected http(s)://host[:port]", e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new AwsConfigurationException(
          "Invalid endpoint " + value + " in " + source + ": expected http(s)://host[:port]");
    }
    return uri;
  }

  private AwsCredentialsProvider credentials() {
    if (credentials != null) {
      return credentials;
    }
    String id = environment.get("AWS_ACCESS_KEY_ID");
    String secret = environment.get("AWS_SECRET_ACCESS_KEY");
    if (id != null && !id.isBlank() && secret != null && !secret.isBlank()) {
      String token = environment.get("AWS_SESSION_TOKEN");
      AwsCredentials fixed =
          token == null || token.isBlank()
              ? AwsBasicCredentials.create(id, secret)
              : AwsSessionCredentials.create(id, secret, token);
      return StaticCredentialsProvider.create(fixed);
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static Apache5HttpClient.Builder httpClient() {
    return Apache5HttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(30))
        .connectionAcquisitionTimeout(Duration.ofSeconds(30))
        .maxConnections(64);
  }

  private ClientOverrideConfiguration.Builder overrides() {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(maxAttempts).build());
  }

  /** Settings; not thread safe. */
  public static final class Builder {
    private Map<String, String> environment = Map.of();
    private URI endpoint;
    private Region region;
    private AwsCredentialsProvider credentials;
    private int maxAttempts = 4;

    private Builder() {}

    /**
     * The process environment, as the entry point read it ({@code System.getenv()}): the source of
     * {@code AWS_ENDPOINT_URL*}, {@code AWS_REGION} and {@code AWS_ACCESS_KEY_ID} & co. Default
     * empty (only the SDK's own configuration chain applies, and S3 stays virtual-hosted).
     */
    public Builder environment(Map<String, String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** An endpoint for both services (the {@code --endpoint} flag); wins over the environment. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = endpoint == null ? null : parseEndpoint("--endpoint", endpoint.toString());
      return this;
    }

    public Builder region(Region region) {
      this.region = region;
      return this;
    }

    /** Credentials to use instead of the environment and the default chain. */
    public Builder credentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = credentials;
      return this;
    }

    /** Attempts per call, the first included (SDK standard retry strategy); default 4. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 20) {
        throw new IllegalArgumentException(
            "Invalid maxAttempts " + maxAttempts + ": must be 1..20");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    public AwsClients build() {
      return new AwsClients(this);
    }
  }
}
