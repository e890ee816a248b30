package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Java writes, Python reads: datasets written here with etl-core's writer to s3proxy (in this JVM),
 * then the Python reader's whole pytest suite ({@code training-reader-py/tests}) run against them
 * in the venv {@code build/python-venv.sh} made (the pre-integration-test phase), with the
 * emulator's endpoint and credentials in the standard AWS variables. What Java's reader yields for
 * a few specs is written beside the datasets, so pytest checks the same rows in the same order, and
 * resumes a position Java saved.
 */
@LocalStack
class PythonReaderIT {
  private static final Path PY = Path.of("..", "training-reader-py").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private static S3ObjectStore store(S3Emulator s3, String bucket, String prefix) {
    return S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/" + prefix));
  }

  private static ReadSpec.Builder javaSpec() {
    return ReadSpec.builder().batchSize(10).columns("article_id", "word_count");
  }

  /** Java's batches of a spec on every rank, and the position after batch 3 of rank 0. */
  private static ObjectNode expected(
      S3ObjectStore store, String name, ReadSpec.Builder spec, int world) {
    ObjectNode out = JsonNodeFactory.instance.objectNode().put("name", name);
    ArrayNode ranks = out.putArray("ranks");
    try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
      for (int r = 0; r < world; r++) {
        ArrayNode batches = ranks.addArray();
        try (BatchIterator it = ds.batches(spec.rank(r).worldSize(world).build())) {
          int n = 0;
          while (it.hasNext()) {
            Batch b = it.next();
            ArrayNode ids = batches.addArray();
            for (int i = 0; i < b.size(); i++) {
              ids.add((b.isPadding(i) ? "pad:" : "") + b.string("article_id", i));
            }
            if (r == 0 && ++n == 3) {
              out.put("position_after_3", it.position().toString());
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void pythonReaderTestsPassOnDatasetsJavaWrote(S3Emulator s3) throws Exception {
    String bucket = s3.createBucket();
    S3ObjectStore main = store(s3, bucket, "main");
    TestDatasets.commit(main, 0, 32, 250, 120, 330);
    TestDatasets.commit(main, 700, 16, 40, 17);

    // follow: v1 live; v2 written, then moved aside for pytest to commit mid-iteration.
    S3ObjectStore follow = store(s3, bucket, "follow");
    S3ObjectStore staged = store(s3, bucket, "follow-staged");
    TestDatasets.commit(follow, 0, 16, 100, 50);
    TestDatasets.commit(follow, 5000, 16, 30);
    for (ShardEntry s : new ManifestLog(follow).read(2).orElseThrow().addedShards()) {
      staged.put(s.path(), follow.get(s.path()).orElseThrow());
      follow.delete(s.path());
    }
    String v2 = "_manifest/v00000000000000000002.json";
    staged.put(v2, follow.get(v2).orElseThrow());
    follow.delete(v2);

    S3ObjectStore corrupt = store(s3, bucket, "corrupt");
    TestDatasets.commit(corrupt, 0, 16, 50, 50);
    String victim = "data/dt=2026-11-28/part-v1-1.arrow";
    byte[] bytes = corrupt.get(victim).orElseThrow();
    bytes[bytes.length / 2] ^= 0x5A;
    corrupt.put(victim, bytes);

    ArrayNode expected = JsonNodeFactory.instance.arrayNode();
    expected.add(expected(main, "shuffle7-w3", javaSpec().shuffle(7).epoch(2), 3));
    expected.add(
        expected(
            main,
            "shuffle3-w8-train-0.8-between-5-60-drop",
            javaSpec()
                .shuffle(3)
                .split(Split.TRAIN, 0.8)
                .filter(Filter.between("word_count", 5, 60))
                .remainder(Remainder.DROP),
            8));
    expected.add(expected(main, "sequential-w1", javaSpec().sequential(), 1));
    main.put("expected-java.json", JSON.writeValueAsBytes(expected));

    Path log = Files.createTempFile("pytest-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(PY.resolve(".venv/bin/python").toString());
    cmd.addAll(List.of("-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider", "tests"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(PY.toFile()).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(s3.environment());
    pb.environment().put("MINIETL_IT_BUCKET", bucket);
    Process p = pb.start();
    boolean done = p.waitFor(15, TimeUnit.MINUTES);
    String out = readLog(log);
    System.out.println(out);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("pytest finished within 15 minutes").isTrue();
    assertThat(p.exitValue()).as("pytest exit code; its output:\n%s", out).isZero();
    assertThat(out).contains(" passed").doesNotContain("skipped");
  }

  private static String readLog(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
