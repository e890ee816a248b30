package io.minietl.flink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import io.minietl.cli.CommandContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's options on Managed Service for Apache Flink: a runtime properties file in the format
 * the service writes (a JSON array of PropertyGroupId / PropertyMap), read by the service's own
 * runtime library, becomes {@code run} with one flag per key of the MiniEtlOptions group.
 */
class RuntimePropertiesTest {
  @TempDir Path temp;

  @Test
  void theMiniEtlOptionsGroupBecomesRunWithOneFlagPerKey() throws Exception {
    Path file =
        write(
            "[{\"PropertyGroupId\":\"MiniEtlOptions\",\"PropertyMap\":{\"stream\":\"MyStream\","
                + "\"dataset\":\"s3://my-bucket/articles\",\"parallelism\":\"4\","
                + "\"checkpoint-interval\":\"30s\"}},"
                + "{\"PropertyGroupId\":\"Other\",\"PropertyMap\":{\"stream\":\"NotThis\"}}]");

    List<String> args =
        RuntimeProperties.arguments(
            KinesisAnalyticsRuntime.getApplicationProperties(file.toString()));

    assertThat(args)
        .containsExactly(
            "run",
            "--checkpoint-interval",
            "30s",
            "--dataset",
            "s3://my-bucket/articles",
            "--parallelism",
            "4",
            "--stream",
            "MyStream");
  }

  @Test
  void aResetCheckpointPropertyOfTrueResetsAsTheFlagDoes() throws Exception {
    Path file =
        write(
            "[{\"PropertyGroupId\":\"MiniEtlOptions\",\"PropertyMap\":{\"stream\":\"S\","
                + "\"dataset\":\"s3://b/p\",\"reset-checkpoint\":\"true\"}}]");
    List<String> args =
        RuntimeProperties.arguments(
            KinesisAnalyticsRuntime.getApplicationProperties(file.toString()));

    assertThat(args).containsSubsequence("--reset-checkpoint", "true");
    assertThat(parse(args.subList(1, args.size())).options().resetCheckpoint()).isTrue();
    assertThat(parse(List.of("--stream", "S", "--reset-checkpoint")).options().resetCheckpoint())
        .isTrue();
    assertThat(parse(List.of("--stream", "S")).options().resetCheckpoint()).isFalse();
  }

  private static RunCommand parse(List<String> args) {
    RunCommand run =
        new RunCommand(
            CommandContext.of(
                Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    new picocli.CommandLine(run).parseArgs(args.toArray(String[]::new));
    return run;
  }

  @Test
  void withoutTheGroupThereAreNoArguments() {
    assertThat(RuntimeProperties.arguments(Map.of())).isEmpty();
  }

  @Test
  void anUnknownKeyIsAnUnknownFlagWithExitTwo() throws Exception {
    Path file =
        write(
            "[{\"PropertyGroupId\":\"MiniEtlOptions\",\"PropertyMap\":{\"stream\":\"S\","
                + "\"paralelism\":\"4\"}}]");
    List<String> args =
        RuntimeProperties.arguments(
            KinesisAnalyticsRuntime.getApplicationProperties(file.toString()));
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code =
        Main.run(
            args,
            CommandContext.of(
                Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow())
        .contains("--paralelism");
  }

  private Path write(String json) throws Exception {
    Path file = temp.resolve("application_properties.json");
    Files.writeString(file, json);
    return file;
  }
}
