package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Env;
import io.minietl.cli.UsageException;
import io.minietl.kinesis.aws.AwsClients;
import java.net.URI;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --dataset} and {@code --endpoint}, which every etl-ingest command takes. */
final class DatasetOption {
  @Option(
      names = "--dataset",
      paramLabel = "s3://BUCKET/PREFIX",
      converter = S3Uri.class,
      description = "Dataset root, s3://bucket/prefix.")
  @Env("MINIETL_DATASET")
  URI dataset;

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
  URI dataset() {
    if (dataset == null) {
      throw new UsageException("Missing --dataset (or MINIETL_DATASET)");
    }
    return dataset;
  }

  /**
   * Clients for the endpoint, region and credentials the flag and the environment give, checked: a
   * missing region or missing credentials is an {@code AwsConfigurationException} (exit 2).
   */
  AwsClients clients(CommandContext context) {
    AwsClients.Builder b = AwsClients.builder().environment(context.environment());
    if (endpoint != null) {
      b.endpoint(endpoint);
    }
    return b.build().check();
  }

  /** {@code s3://bucket[/prefix]}. */
  static final class S3Uri implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        URI uri = URI.create(value.trim());
        if ("s3".equals(uri.getScheme()) && uri.getHost() != null) {
          return uri;
        }
      } catch (IllegalArgumentException e) {
        // below
      }
      throw new TypeConversionException("expected s3://bucket/prefix");
    }
  }

  /** {@code http(s)://host[:port]}. */
  static final class Endpoint implements ITypeConverter<URI> {
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
