package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    return args(dataset, flags);
  }

  private static List<String> args(String location, String flags) {
    List<String> a = new ArrayList<>(List.of("batches", "--dataset", location));
    a.addAll(List.of(flags.split(" ")));
    return a;
  }

  /** One language's batches command. */
  private interface Batches {
    byte[] run(List<String> args) throws Exception;
  }

  /**
   * Uploads the fixture to {@code prefix} with manifest versions up to {@code last} only (and no
   * snapshot hint): the later versions are uploaded by {@link #commitRest}, as commits landing.
   */
  private static String uploadUpTo(String prefix, int last) throws IOException {
    String bucket = s3.createBucket();
    try (Stream<Path> files = Files.walk(FIXTURE)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String rel = FIXTURE.relativize(p).toString().replace('\\', '/');
        if (rel.startsWith("_manifest/") && !manifestUpTo(rel, last)) {
          continue;
        }
        s3.client()
            .putObject(
                r -> r.bucket(bucket).key(prefix + "/" + rel),
                RequestBody.fromBytes(Files.readAllBytes(p)));
      }
    }
    return "s3://" + bucket + "/" + prefix;
  }

  private static boolean manifestUpTo(String rel, int last) {
    String name = rel.substring("_manifest/".length());
    return name.matches("v\\d{20}\\.json") && Long.parseLong(name.substring(1, 21)) <= last;
  }

  private static void commitRest(String location, int from, int to) throws IOException {
    URI u = URI.create(location);
    for (int v = from; v <= to; v++) {
      String rel = String.format(Locale.ROOT, "_manifest/v%020d.json", v);
      byte[] body = Files.readAllBytes(FIXTURE.resolve(rel));
      s3.client()
          .putObject(
              r -> r.bucket(u.getHost()).key(u.getPath().substring(1) + "/" + rel),
              RequestBody.fromBytes(body));
    }
  }

  /**
   * Ranks of one run agree on the version across languages ({@code --run-id}): rank 0, in one
   * language, pins the latest version (2); versions 3 and 4 are committed; rank 1, in the other
   * language, still plans on version 2, where on its own it would plan on 4.
   */
  @Test
  void ranksOfOneRunAgreeOnTheVersionAcrossLanguages() throws Exception {
    Batches java = BatchesCommandIT::java;
    Batches python = BatchesCommandIT::python;
    agree("pinned-by-java", java, python);
    agree("pinned-by-python", python, java);
  }

  private static void agree(String prefix, Batches first, Batches second) throws Exception {
    String location = uploadUpTo(prefix, 2);
    String flags = "--batch-size 4 --seed 5 --epoch 1 --world-size 2";
    byte[] rank0 = first.run(args(location, flags + " --rank 0 --run-id run-1"));
    assertThat(rank0).isEqualTo(first.run(args(location, flags + " --rank 0")));
    commitRest(location, 3, 4);
    byte[] rank1 = second.run(args(location, flags + " --rank 1 --run-id run-1"));
    assertThat(new String(rank1, StandardCharsets.UTF_8))
        .isEqualTo(
            new String(
                second.run(args(location, flags + " --rank 1 --dataset-version 2")),
                StandardCharsets.UTF_8))
        .isNotEqualTo(
            new String(second.run(args(location, flags + " --rank 1")), StandardCharsets.UTF_8));
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
