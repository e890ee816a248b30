package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code batches} in Java and {@code python -m minietl batches} print the same bytes for the same
 * dataset and flags: the shared plan-vectors fixture (ids with quotes, backslashes, tabs, U+2028
 * and non-ASCII characters; null and timestamp columns) uploaded to s3proxy, both commands run
 * against it with the emulator in the standard AWS variables. The Python one runs in the venv the
 * training-reader build made ({@code build/python-venv.sh}).
 */
@LocalStack
class BatchesCommandIT {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path FIXTURE = REPO.resolve("testdata/plan-vectors/dataset");
  private static final Path PYTHON = REPO.resolve("training-reader-py/.venv/bin/python");
  private static S3Emulator s3;
  private static String dataset;

  @BeforeAll
  static void upload(S3Emulator emulator) throws IOException {
    s3 = emulator;
    String bucket = s3.createBucket();
    try (Stream<Path> files = Files.walk(FIXTURE)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String key = "vectors/" + FIXTURE.relativize(p).toString().replace('\\', '/');
        s3.client()
            .putObject(
                r -> r.bucket(bucket).key(key), RequestBody.fromBytes(Files.readAllBytes(p)));
      }
    }
    dataset = "s3://" + bucket + "/vectors";
  }

  private static byte[] java(List<String> args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = Main.run(args, s3.environment(), o, e);
    }
    assertThat(code).as("java exit; stderr %s", err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toByteArray();
  }

  private static byte[] python(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-m", "minietl"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(s3.environment());
    Path err = Files.createTempFile("minietl-batches-", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as("python exit; stderr %s", Files.readString(err)).isZero();
    return out;
  }

  private static List<String> args(String flags) {
    List<String> a = new ArrayList<>(List.of("batches", "--dataset", dataset));
    a.addAll(List.of(flags.split(" ")));
    return a;
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--batch-size 8",
        "--batch-size 5 --seed 42 --epoch 1 --rank 2 --world-size 3 --window-units 2",
        "--batch-size 3 --seed -1 --rank 5 --world-size 8 --remainder drop",
        "--batch-size 4 --seed 9 --split validation --train-fraction 0.3 --between word_count:5:15",
        "--batch-size 4 --seed 7 --columns title,article_id,word_count,publish_date,ingestion_time,"
            + "kinesis_sequence_number",
        "--batch-size 6 --seed 3 --dataset-version 2 --rank 1 --world-size 3",
        "--batch-size 4 --seed 1 --between word_count:1000:2000"
      })
  void javaAndPythonPrintTheSameBytes(String flags) throws Exception {
    byte[] java = java(args(flags));
    assertThat(new String(python(args(flags)), StandardCharsets.UTF_8))
        .isEqualTo(new String(java, StandardCharsets.UTF_8));
    assertThat(python(args(flags))).isEqualTo(java);
  }

  @Test
  void outputIsOneCompactRfc8785ObjectPerBatch() {
    String text = new String(java(args("--batch-size 8")), StandardCharsets.UTF_8);
    List<String> lines = text.lines().toList();
    assertThat(text).endsWith("\n");
    assertThat(lines).hasSize(8);
    assertThat(lines.get(0))
        .isEqualTo(
            "{\"article_id\":[\"a-0\",\"ü-1\",\"記事-2\",\"🙂-3\",\"q\\\"uote-4\",\"back\\\\slash-5\","
                + "\"tab\\t6\",\"sep\u20287\"],\"padding\":[false,false,false,false,false,false,false,"
                + "false]}");
    String empty =
        new String(
            java(args("--batch-size 4 --between word_count:1000:2000")), StandardCharsets.UTF_8);
    assertThat(empty).isEmpty();
    String ts =
        new String(
            java(args("--batch-size 1 --columns publish_date,ingestion_time")),
            StandardCharsets.UTF_8);
    assertThat(ts.lines().findFirst().orElseThrow())
        .isEqualTo(
            "{\"publish_date\":[null],\"ingestion_time\":[\"2026-11-28T14:01:00.000000Z\"],"
                + "\"padding\":[false]}");
  }
}
