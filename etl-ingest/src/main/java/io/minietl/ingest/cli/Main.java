package io.minietl.ingest.cli;

import io.minietl.cli.Cli;
import io.minietl.cli.CommandContext;
import io.minietl.cli.ExitCode;
import io.minietl.core.storage.StorageAccessException;
import io.minietl.ingest.FencedException;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.aws.AwsConfigurationException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The {@code etl-ingest} command line: {@code run}, {@code stats} and {@code gc} (one class each).
 * Exit codes are {@link ExitCode}'s. Only the entry point reads the environment ({@link
 * CommandContext#ofProcess()}).
 */
@Command(
    name = "etl-ingest",
    description =
        "Kinesis to Arrow IPC on S3, exactly once. Region and credentials come from the"
            + " AWS default chain (AWS_REGION, AWS_ACCESS_KEY_ID, ...). With an overridden"
            + " Kinesis endpoint the client speaks JSON, not CBOR (CBOR_ENABLED=true to keep it).",
    subcommands = {
      RunCommand.class,
      StatsCommand.class,
      GcCommand.class,
      ExportCommand.class,
      ErrorsCommand.class,
      HealthCommand.class
    })
public final class Main {
  static final Cli CLI =
      Cli.builder("etl-ingest", Main.class)
          .onError(StreamNotFoundException.class, ExitCode.USAGE)
          .onError(StorageAccessException.class, ExitCode.USAGE)
          .onError(StreamMismatchException.class, ExitCode.USAGE)
          .onError(FencedException.class, ExitCode.FENCED)
          .onError(AwsConfigurationException.class, ExitCode.USAGE)
          .onError(
              SdkClientException.class,
              ExitCode.USAGE,
              e ->
                  "Cannot reach AWS: check --endpoint, AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL_S3,"
                      + " AWS_ENDPOINT_URL and AWS_REGION")
          .build();

  private Main() {}

  public static void main(String[] args) {
    int code = run(Arrays.asList(args), CommandContext.ofProcess());
    if (!RunCommand.shutdownInProgress()) {
      System.exit(code);
    }
  }

  /**
   * Runs one command line in this JVM (no {@code System.exit}, no signal handler unless {@code run}
   * installs one); returns the exit code. For tests and tools that embed the CLI with their own
   * context.
   */
  public static int run(List<String> args, CommandContext context) {
    return CLI.run(args, context);
  }
}
