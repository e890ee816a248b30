package io.minietl.flink.cli;

import io.minietl.cli.Cli;
import io.minietl.cli.CommandContext;
import io.minietl.cli.ExitCode;
import io.minietl.core.storage.StorageAccessException;
import io.minietl.flink.FencedException;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.aws.AwsConfigurationException;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The {@code etl-flink} command line: {@code run}. Exit codes are {@link ExitCode}'s (3: fenced by
 * another writer, in local mode; 2 also for a dataset of another stream). Only the entry point
 * reads the environment.
 */
@Command(
    name = "etl-flink",
    description =
        "The ingest pipeline as an Apache Flink job: Kinesis to Arrow IPC on S3, exactly once,"
            + " the same dataset as etl-ingest. Region and credentials come from the AWS default"
            + " chain (AWS_REGION, AWS_ACCESS_KEY_ID, ...). With an overridden Kinesis endpoint"
            + " the client speaks JSON, not CBOR (CBOR_ENABLED=true to keep it).",
    subcommands = {RunCommand.class})
public final class Main {
  static final Cli CLI =
      Cli.builder("etl-flink", Main.class)
          .onError(StreamNotFoundException.class, ExitCode.USAGE)
          .onError(StorageAccessException.class, ExitCode.USAGE)
          .onError(StreamMismatchException.class, ExitCode.USAGE)
          .onError(FencedException.class, ExitCode.FENCED)
          .onError(AwsConfigurationException.class, ExitCode.USAGE)
          .onError(
              SdkClientException.class,
              ExitCode.USAGE,
              e ->
                  "Cannot reach AWS (check AWS_ENDPOINT_URL/--endpoint, AWS_REGION and"
                      + " credentials): "
                      + e.getMessage())
          .build();

  private Main() {}

  public static void main(String[] args) {
    List<String> argv = Arrays.asList(args);
    if (argv.isEmpty()) {
      // Managed Service for Apache Flink passes no arguments: its runtime properties instead.
      argv = RuntimeProperties.arguments(RuntimeProperties.load());
    }
    int code = run(argv, CommandContext.ofProcess());
    if (!RunCommand.shutdownInProgress()) {
      System.exit(code);
    }
  }

  /** Runs one command line; returns the exit code. In-process for tests with their own context. */
  static int run(List<String> args, CommandContext context) {
    return CLI.run(args, context);
  }
}
