package io.minietl.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The examples command line ({@code java -jar examples/target/examples.jar}):
 *
 * <ul>
 *   <li>{@code produce}: fake articles (or a JSON-lines file) into a Kinesis stream; see {@link
 *       ProducerOption} for every option and its environment variable.
 *   <li>{@code train}: a trainer loop over the dataset with training-reader; see {@link
 *       TrainCommand}.
 *   <li>{@code local-stack}: kinesalite and s3proxy on loopback for {@code ./demo}.
 * </ul>
 *
 * <p>Exit codes: 0 ok, 1 failure, 2 bad arguments. Only this class reads the environment.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (System.getProperty("aws.cborEnabled") == null
        && "false".equalsIgnoreCase(System.getenv("CBOR_ENABLED"))) {
      System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
    }
    System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
  }

  static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
      out.print(usage());
      return args.isEmpty() ? 2 : 0;
    }
    List<String> rest = args.subList(1, args.size());
    boolean verbose = rest.contains("--verbose");
    try {
      switch (args.get(0)) {
        case "produce":
          if (rest.contains("--help") || rest.contains("-h")) {
            out.print(usage());
            return 0;
          }
          ProduceCommand.parse(rest, env).run(env, out);
          return 0;
        case "local-stack":
          return LocalStackCommand.parse(rest).run(out);
        case "train":
          return TrainCommand.parse(rest, env).run(env, out);
        default:
          err.println(
              "examples: unknown command '" + args.get(0) + "': use produce, train or local-stack");
          return 2;
      }
    } catch (ProduceCommand.UsageError e) {
      err.println("examples: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      err.println("examples: " + message.lines().findFirst().orElse(message));
      if (verbose) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  static String usage() {
    StringBuilder s = new StringBuilder();
    s.append("Usage: java -jar examples.jar COMMAND [options]\n\n");
    s.append(
        "  train --dataset s3://bucket/prefix [--epochs 2] [--world-size 2] [--batch-size 32]"
            + " [--seed 42]\n      a trainer loop with training-reader: epochs x ranks, resume halfway,"
            + " batches/s\n");
    s.append("  produce [options]   put sample articles into a Kinesis stream\n");
    for (ProducerOption o : ProducerOption.values()) {
      s.append(
          String.format(
              Locale.ROOT,
              "    %-18s %-18s %-9s %s%n",
              o.flag(),
              o.env() == null ? "" : o.env(),
              o.defaultValue() == null ? "" : o.defaultValue(),
              o.description()));
    }
    s.append(
        "    (flag, environment variable, default, meaning; endpoint, region and credentials\n");
    s.append("    come from the standard AWS environment, CBOR_ENABLED=false for kinesalite)\n\n");
    s.append(LocalStackCommand.USAGE);
    s.append(
        "      kinesalite + s3proxy on loopback for ./demo; stops at end of stdin or SIGTERM\n");
    return s.toString();
  }
}
