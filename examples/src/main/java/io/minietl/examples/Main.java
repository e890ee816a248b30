package io.minietl.examples;

import io.minietl.cli.Cli;
import io.minietl.cli.CommandContext;
import io.minietl.cli.ExitCode;
import io.minietl.kinesis.aws.AwsConfigurationException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * The examples command line ({@code java -jar examples/target/examples.jar}), one class per
 * command:
 *
 * <ul>
 *   <li>{@code produce}: fake articles (or a JSON-lines file) into a Kinesis stream ({@link
 *       ProduceCommand}).
 *   <li>{@code train}: a trainer loop over the dataset with training-reader ({@link TrainCommand}).
 *   <li>{@code batches}: one rank's plan as JSON lines, as {@code python -m minietl batches}
 *       ({@link BatchesCommand}).
 *   <li>{@code local-stack}: kinesalite and s3proxy on loopback for {@code ./demo} ({@link
 *       LocalStackCommand}).
 * </ul>
 *
 * <p>Exit codes are {@link io.minietl.cli.ExitCode}'s. Only the entry point reads the environment.
 */
@Command(
    name = "examples",
    description = "The sample producer, the trainer loop and the local stack of ./demo.",
    subcommands = {
      ProduceCommand.class,
      TrainCommand.class,
      LocalStackCommand.class,
      BatchesCommand.class
    })
public final class Main {
  /** The help footer of the commands that read a dataset: where their S3 settings come from. */
  static final String S3_ENVIRONMENT_FOOTER =
      "For S3, endpoint, region and credentials come from the standard AWS environment"
          + " (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...).";

  static final Cli CLI =
      Cli.builder("examples", Main.class)
          .onError(AwsConfigurationException.class, ExitCode.USAGE)
          .build();

  private Main() {}

  public static void main(String[] args) {
    System.exit(CLI.run(Arrays.asList(args), CommandContext.ofProcess()));
  }

  /** Runs one command line in this process; returns the exit code. */
  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    return CLI.run(args, CommandContext.of(env, out, err));
  }
}
