package io.minietl.ingest.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input that is refused before any AWS call: exit code 2 and one line that names the flag or
 * the variable, the value and the accepted form (no emulator needed).
 */
class CliBadInputTest {
  private static final Map<String, String> AWS =
      Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y");

  private static final List<String> RUN = List.of("run", "--stream", "s", "--dataset", "s3://b/x");

  private static List<String> run(List<String> base, String... more) {
    List<String> args = new java.util.ArrayList<>(base);
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void statsAndErrorsOnADirectoryWithoutAManifestSayThereIsNoDataset(@TempDir Path empty) {
    for (String command : List.of("stats", "errors")) {
      Cli.Result r = Cli.run(List.of(command, "--dataset", empty.toString()), Map.of());
      assertThat(r.code()).as(command).isEqualTo(2);
      assertThat(r.out()).as(command).isEmpty();
      assertThat(r.errLines()).as(command).hasSize(1);
      assertThat(r.errLines().get(0))
          .as(command)
          .startsWith("etl-ingest: No dataset at ")
          .contains(empty.toString())
          .endsWith(
              ": no manifest was committed under _manifest/ (check --dataset; etl-ingest run"
                  + " creates it)");
    }
  }

  @Test
  void aZeroProgressIntervalIsAUsageErrorNamingTheFlag() {
    Cli.Result r = Cli.run(run(RUN, "--progress-interval", "0s"), AWS);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines())
        .containsExactly(
            "etl-ingest: Invalid --progress-interval '0s': expected a duration above zero, like"
                + " 500ms or 10s (see etl-ingest run --help)");
  }

  @Test
  void aBadValueFromAVariableNamesTheVariable() {
    Cli.Result r = Cli.run(RUN, Map.of("MINIETL_STOP_WHEN_IDLE", "5parsecs"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines())
        .containsExactly(
            "etl-ingest: Invalid MINIETL_STOP_WHEN_IDLE '5parsecs': expected a duration like 500ms,"
                + " 30s, 5m, 1h or PT30S (see etl-ingest run --help)");
    // The same value as a flag names the flag.
    assertThat(Cli.run(run(RUN, "--stop-when-idle", "5parsecs"), Map.of()).errLines().get(0))
        .startsWith("etl-ingest: Invalid --stop-when-idle '5parsecs'");
  }

  @Test
  void aBadEndpointVariableIsAConfigurationErrorAndVerboseAcceptsOne() {
    Map<String, String> env = new java.util.HashMap<>(AWS);
    env.put("AWS_ENDPOINT_URL_S3", "ftp://nowhere");
    Cli.Result r = Cli.run(List.of("stats", "--dataset", "s3://b/x"), env);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.errLines())
        .containsExactly(
            "etl-ingest: Invalid endpoint ftp://nowhere in AWS_ENDPOINT_URL_S3: expected"
                + " http(s)://host[:port]");

    env.put("MINIETL_VERBOSE", "1");
    Cli.Result verbose = Cli.run(List.of("stats", "--dataset", "s3://b/x"), env);
    assertThat(verbose.code()).isEqualTo(2);
    assertThat(verbose.errLines().get(0)).isEqualTo(r.errLines().get(0));
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void theEndpointFlagHelpSaysItWinsOverTheVariables() {
    Cli.Result help = Cli.run(List.of("stats", "--help"), Map.of());
    assertThat(help.out().replaceAll("\\s+", " ")) // the help wraps lines
        .contains("wins over the variables")
        .contains("AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL_S3 per service, else")
        .doesNotContain("Env AWS_ENDPOINT_URL");
  }
}
