package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.storage.InMemoryObjectStore;
import io.minietl.kinesis.StreamMismatchException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: what a runner meets when it runs for weeks unattended. Retention cases (trimmed
 * positions, expired shards) need the in-memory stream: the emulators cannot age data out. Every
 * run has a timeout: the bugs these tests pin were runs that never ended.
 */
class UnattendedRunnerTest {
  @TempDir Path temp;

  private final List<String> lines = new CopyOnWriteArrayList<>();

  private IngestOptions.Builder options() {
    return IngestOptions.builder()
        .tempDir(temp)
        .minCallInterval(Duration.ZERO)
        .idlePollInterval(Duration.ofMillis(5))
        .shardDiscoveryInterval(Duration.ofMillis(50))
        .progressInterval(Duration.ofMillis(100))
        .stopWhenIdle(Duration.ofMillis(300));
  }

  private RunSummary run(InMemoryStream stream, InMemoryObjectStore store, IngestOptions o)
      throws Exception {
    IngestRunner runner =
        new IngestRunner(stream, store, o, lines::add, Clock.systemUTC(), Sleeper.SYSTEM);
    CompletableFuture<RunSummary> f = CompletableFuture.supplyAsync(runner::run);
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      runner.stop();
      throw new AssertionError("the run did not end within 60 s (stalled); lines: " + lines, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }

  private static List<String> put(InMemoryStream stream, String prefix, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      stream.put(
          "key-" + (i % 7),
          ("{\"article_id\":\"" + id + "\",\"content\":\"w w w\"}")
              .getBytes(StandardCharsets.UTF_8));
      ids.add(id);
    }
    return ids;
  }

  private static List<String> articleIds(InMemoryObjectStore store) {
    return Datasets.read(store).rows().stream()
        .map(ShardRow::article)
        .map(a -> a.articleId())
        .toList();
  }

  @Test
  void anOpenParentThatAgedOutNoLongerBlocksItsChildrenAndTheLossIsReported() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1);
    String parent = stream.openShardIds().get(0);
    List<String> before = put(stream, "a", 40);
    InMemoryObjectStore store = new InMemoryObjectStore();
    run(stream, store, options().build()); // the parent is committed open, at its 40th record
    ShardCheckpoint committed = Datasets.read(store).state().checkpoint().get(parent);
    // While no runner runs: 10 more records, a split, the children's records, and the parent ages
    // out of retention (with its 10 unread records).
    put(stream, "lost", 10);
    stream.split(parent);
    List<String> after = put(stream, "b", 60);
    stream.expire(parent);

    run(stream, store, options().build());

    List<String> expected = new ArrayList<>(before);
    expected.addAll(after);
    assertThat(articleIds(store)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("DATA LOST: shard " + parent)
                    && l.contains(committed.sequenceNumber())
                    && l.contains("arrived " + committed.arrivalTime())
                    && l.contains("Its children start now"));
  }

  @Test
  void aTrimmedCommittedPositionContinuesAtTheOldestRecordAndReportsTheGap() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1);
    String shard = stream.openShardIds().get(0);
    List<String> first = put(stream, "a", 30);
    InMemoryObjectStore store = new InMemoryObjectStore();
    run(stream, store, options().build());
    ShardCheckpoint committed = Datasets.read(store).state().checkpoint().get(shard);
    put(stream, "lost", 20);
    List<String> kept = put(stream, "b", 25);
    stream.trim(shard, 50); // the 30 committed records and the 20 after them age out

    run(stream, store, options().build());

    List<String> expected = new ArrayList<>(first);
    expected.addAll(kept);
    assertThat(articleIds(store)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(stream.invalidPositions.get()).isEqualTo(1);
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("DATA LOST: shard " + shard)
                    && l.contains("the committed position " + committed.sequenceNumber())
                    && l.contains("(arrived " + committed.arrivalTime() + ")")
                    && l.contains("TRIM_HORIZON"));
  }

  @Test
  void aDatasetOfAnotherStreamIsRefusedUnlessResetWhichKeepsTheData() throws Exception {
    InMemoryStream old = new InMemoryStream("s", 2);
    List<String> oldIds = put(old, "old", 50);
    InMemoryObjectStore store = new InMemoryObjectStore();
    run(old, store, options().build());
    assertThat(Datasets.read(store).state().stream()).isEqualTo(old.identity());
    // The stream is deleted and created again: same name, same shard ids, a new creation time.
    InMemoryStream recreated = new InMemoryStream("s", 2);
    List<String> newIds = put(recreated, "new", 50);
    long version = Datasets.read(store).state().version();

    assertThatThrownBy(() -> run(recreated, store, options().build()))
        .isInstanceOf(StreamMismatchException.class)
        .hasMessage(
            "Cannot continue memory://dataset from stream s (created "
                + recreated.identity().creationTime()
                + ") without --reset-checkpoint (keeps the data): its checkpoint belongs to "
                + old.identity());
    assertThat(Datasets.read(store).state().version()).isEqualTo(version); // nothing committed

    run(recreated, store, options().resetCheckpoint(true).build());

    List<String> all = new ArrayList<>(oldIds);
    all.addAll(newIds);
    assertThat(articleIds(store)).containsExactlyInAnyOrderElementsOf(all);
    DatasetState state = Datasets.read(store).state();
    assertThat(state.stream()).isEqualTo(recreated.identity());
    assertThat(state.checkpoint().keySet())
        .containsExactlyInAnyOrderElementsOf(recreated.openShardIds());
    assertThat(lines).anyMatch(l -> l.startsWith("reset: the checkpoint of memory://dataset"));
  }

  @Test
  void aDatasetWithoutStreamIdentityAdoptsTheStreamsWithAWarning() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1);
    String shard = stream.openShardIds().get(0);
    InMemoryObjectStore store = new InMemoryObjectStore();
    // A format 1 dataset: a checkpoint, no stream identity.
    List<String> first = put(stream, "a", 5);
    String firstSeq = "0";
    Manifest v1 =
        DatasetState.empty()
            .nextVersion()
            .writerId("old-runner")
            .committedAt(java.time.Instant.now())
            .updateCheckpoint(shard, ShardCheckpoint.at(firstSeq))
            .build()
            .toBuilder()
            .formatVersion(1)
            .commitId(null)
            .stream(null)
            .build();
    assertThat(new ManifestLog(store).commit(v1)).isEqualTo(ManifestLog.Outcome.COMMITTED);

    run(stream, store, options().build());

    assertThat(articleIds(store)).containsExactlyInAnyOrderElementsOf(first);
    assertThat(Datasets.read(store).state().stream()).isEqualTo(stream.identity());
    assertThat(lines)
        .anyMatch(l -> l.startsWith("warning: the checkpoint of memory://dataset names no stream"));
  }

  @Test
  void listShardsFailuresDuringARunAreRetriedAndCountedNotFatal() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 2).failListShardsAfterTheFirst(5);
    List<String> ids = put(stream, "a", 100);
    InMemoryObjectStore store = new InMemoryObjectStore();

    run(stream, store, options().build());

    assertThat(stream.listShardsFailures.get()).isEqualTo(5);
    assertThat(articleIds(store)).containsExactlyInAnyOrderElementsOf(ids);
    List<String> retrying =
        lines.stream().filter(l -> l.startsWith("retrying: ListShards")).toList();
    assertThat(retrying).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    assertThat(retrying.get(0))
        .contains("IllegalStateException Unable to execute HTTP request")
        .contains("x since ");
  }

  @Test
  void aShardThatKeepsFailingIsNamedInEveryProgressLineOnceItStalls() throws Exception {
    InMemoryStream stream = new InMemoryStream("s", 1).throttleEvery(1); // never answers
    put(stream, "a", 10);
    InMemoryObjectStore store = new InMemoryObjectStore();
    IngestRunner runner =
        new IngestRunner(
            stream,
            store,
            options().stopWhenIdle(null).stallWarning(Duration.ZERO).build(),
            lines::add,
            Clock.systemUTC(),
            Sleeper.SYSTEM);
    CompletableFuture<RunSummary> f = CompletableFuture.supplyAsync(runner::run);
    try {
      Await.until(
          "three progress lines naming the stalled shard",
          Duration.ofSeconds(30),
          () -> lines.stream().filter(l -> l.contains("STALLED shard shardId-")).count() >= 3);
    } finally {
      runner.stop();
      f.get(30, TimeUnit.SECONDS);
    }
    String stalled = lines.stream().filter(l -> l.contains("STALLED")).findFirst().orElseThrow();
    assertThat(stalled)
        .startsWith("progress: ")
        .contains("shards without an answer yet 1")
        .contains("failing since ")
        .contains("ThrottledException Rate exceeded");
    // One line per cause per progress interval, with a count: not a line per retry.
    int sinceProgress = 0;
    long counted = 0;
    for (String l : lines) {
      if (l.startsWith("progress: ")) {
        sinceProgress = 0;
      } else if (l.startsWith("retrying: shard shardId-")) {
        assertThat(++sinceProgress).as("retrying lines after one progress line").isEqualTo(1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\((\\d+)x since ").matcher(l);
        assertThat(m.find()).as(l).isTrue();
        counted += Long.parseLong(m.group(1));
      }
    }
    assertThat(counted).isPositive().isLessThanOrEqualTo(stream.throttled.get());
  }
}
