package io.minietl.kinesis.aws;

import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 client built on first use, for commands whose dataset may be local: a {@code file://}
 * dataset never builds one, so it needs no AWS region or credentials. Pass it to {@code
 * DatasetLocation.open}; {@link #close()} closes the client if one was built. Thread safe.
 */
public final class LazyS3Client implements Supplier<S3Client>, AutoCloseable {
  private final AwsClients clients;
  private S3Client client;

  LazyS3Client(AwsClients clients) {
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  /**
   * The client, built the first time after {@link AwsClients#check()} (a missing region or missing
   * credentials is an {@link AwsConfigurationException} then, not a failed request later).
   */
  @Override
  public synchronized S3Client get() {
    if (client == null) {
      client = clients.check().newS3Client();
    }
    return client;
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
