package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import io.minietl.s3.DatasetLocation;
import java.net.URI;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --dataset} and {@code --endpoint}, which every etl-ingest command takes (and etl-flink's
 * {@code run}: the same options).
 */
public final class DatasetOption {
  // --dataset first: the options' order is the help's.
  @Mixin DatasetLocationOption location;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      converter = Endpoint.class,
      description = {
        "Endpoint for Kinesis and S3 (LocalStack, emulators); wins over the variables. Without"
            + " it: AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL_S3 per service, else"
            + " AWS_ENDPOINT_URL, else AWS."
      })
  URI endpoint;

  /** The dataset root; a usage error when neither the flag nor the variable gives one. */
  public DatasetLocation dataset() {
    return location.dataset();
  }

  /**
   * Clients for the endpoint, region and credentials the flag and the environment give, checked: a
   * missing region or missing credentials is an {@code AwsConfigurationException} (exit 2).
   */
  public AwsClients clients(CommandContext context) {
    return unchecked(context).check();
  }

  /**
   * An S3 client for the dataset, built (and the region and credentials checked) only if the
   * dataset is on S3: a local dataset needs no AWS configuration.
   */
  LazyS3Client s3(CommandContext context) {
    return unchecked(context).lazyS3Client();
  }

  /**
   * The dataset's store on {@code s3} (unused for a local dataset), its access checked: a missing
   * bucket or directory, or S3 out of reach, fails here with one line rather than halfway through a
   * command.
   */
  ObjectStore open(LazyS3Client s3) {
    ObjectStore store = dataset().open(s3);
    store.checkAccess();
    return store;
  }

  /** The {@code --endpoint} given, or null (then the environment's, as {@link AwsClients}). */
  public URI endpoint() {
    return endpoint;
  }

  private AwsClients unchecked(CommandContext context) {
    AwsClients.Builder b = AwsClients.builder().environment(context.environment());
    if (endpoint != null) {
      b.endpoint(endpoint);
    }
    return b.build();
  }

  /** {@code http(s)://host[:port]}. */
  public static final class Endpoint implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        URI uri = URI.create(value.trim());
        if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            && uri.getHost() != null) {
          return uri;
        }
      } catch (IllegalArgumentException e) {
        // below
      }
      throw new TypeConversionException("expected a URL like http://localhost:4566");
    }
  }
}
