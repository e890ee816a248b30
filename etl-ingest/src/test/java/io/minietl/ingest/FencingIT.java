package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.storage.LocalObjectStore;
import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Test 4 of the issue: two runners (different writer ids) on one stream and one dataset while
 * records keep arriving. One loses a commit race, sees that the other committed positions of its
 * shards, and stops fenced; the dataset never holds a record twice.
 */
@LocalStack
class FencingIT {
  @TempDir Path temp;

  /** On S3 (s3proxy) and on a local directory: the commit protocol is the same on both. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"s3", "file"})
  void ofTwoRunnersOnOneDatasetExactlyOneIsFencedAndNoRecordIsDuplicated(
      String storage, KinesisEmulator kinesis, S3Emulator s3) throws Exception {
    String stream = kinesis.createStream(3);
    ObjectStore store =
        storage.equals("s3")
            ? S3ObjectStore.create(s3.client(), URI.create("s3://" + s3.createBucket() + "/ds"))
            : LocalObjectStore.create(temp.resolve("dataset"));
    PutLog log = new PutLog();
    Random random = new Random(7);
    log.putBatch(kinesis.client(), stream, random, 0, 300, 30, 0);
    IngestOptions options =
        IngestOptions.builder()
            .minCallInterval(Duration.ofMillis(20))
            .idlePollInterval(Duration.ofMillis(50))
            .maxShardAge(Duration.ofMillis(100))
            .progressInterval(Duration.ofSeconds(5))
            .stopWhenIdle(Duration.ofSeconds(1))
            .build();
    List<FencedException> fenced = new CopyOnWriteArrayList<>();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (String writer : List.of("runner-a", "runner-b")) {
        IngestOptions o =
            options.toBuilder().writerId(writer).tempDir(temp.resolve(writer)).build();
        IngestRunner runner =
            IngestRunner.create(
                KinesisStreamProxy.create(kinesis.client(), stream),
                store,
                o,
                line -> System.out.println(writer + " " + line));
        runs.add(
            executor.submit(
                () -> {
                  try {
                    runner.run();
                  } catch (FencedException e) {
                    fenced.add(e);
                  }
                }));
      }
      // Records keep arriving until one runner is fenced (a condition, not a fixed count with
      // sleeps: on a starved machine one runner could idle out before the other committed).
      for (int i = 1; fenced.isEmpty(); i++) {
        assertThat(i).as("batches put before a runner was fenced").isLessThan(300);
        log.putBatch(kinesis.client(), stream, random, i * 100, 40, 30, 0);
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdownNow();
      executor.awaitTermination(30, TimeUnit.SECONDS);
    }

    assertThat(fenced).hasSize(1);
    assertThat(fenced.get(0))
        .hasMessageContaining("another runner")
        .hasMessageContaining(stream)
        .hasMessageContaining(store.location());
    // Whatever the survivor had not read when it went idle, a fresh run reads; nothing twice.
    IngestRunner.create(
            KinesisStreamProxy.create(kinesis.client(), stream),
            store,
            options.toBuilder().writerId("runner-c").tempDir(temp.resolve("c")).build(),
            line -> {})
        .run();
    log.assertExactlyOnce(store);
  }
}
