package io.minietl.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ScalingType;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

@LocalStack
class KinesisEmulatorIT {

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void recordsPutToATwoShardStreamAreAllReadBackFromTrimHorizon(
      KinesisFlavor flavor, Emulators emulators) {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    System.out.printf("%s started in %d ms%n", kinesis, kinesis.startupTime().toMillis());
    String stream = kinesis.createStream(2);
    List<PutRecordsRequestEntry> entries =
        IntStream.range(0, 100)
            .mapToObj(i -> KinesisEmulator.entry("key-" + i, "record-" + i))
            .toList();

    List<PutRecordsResultEntry> results = kinesis.putRecords(stream, entries);
    List<Record> read = kinesis.readAll(stream);

    assertThat(results).hasSize(100).allSatisfy(r -> assertThat(r.sequenceNumber()).isNotNull());
    assertThat(results.stream().map(PutRecordsResultEntry::shardId).distinct()).hasSize(2);
    assertThat(read)
        .extracting(r -> r.data().asUtf8String())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 100).mapToObj(i -> "record-" + i).toList());
    assertThat(read.stream().map(Record::sequenceNumber).collect(Collectors.toSet()))
        .isEqualTo(
            results.stream()
                .map(PutRecordsResultEntry::sequenceNumber)
                .collect(Collectors.toSet()));
  }

  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void everyPortTheEmulatorListensOnIsOnLoopback(KinesisFlavor flavor, Emulators emulators)
      throws IOException {
    KinesisEmulator kinesis = emulators.kinesis(flavor);

    List<String> listeners = listeningAddresses(kinesis.pid());

    // kinesis-local also opens a TLS port: both must be on 127.0.0.1 (0100007F in /proc).
    assertThat(listeners)
        .isNotEmpty()
        .contains(String.format("0100007F:%04X", kinesis.port()))
        .allSatisfy(address -> assertThat(address).startsWith("0100007F:"));
  }

  @Test
  void kinesisLocalDeliversRecordsOverEnhancedFanOut(
      @LocalStack(kinesis = KinesisFlavor.KINESIS_LOCAL) KinesisEmulator kinesis) throws Exception {
    String stream = kinesis.createStream(1);
    String streamArn = kinesis.streamArn(stream);
    String shardId = kinesis.listShards(stream).get(0).shardId();
    kinesis.putRecords(
        stream,
        IntStream.range(0, 10).mapToObj(i -> KinesisEmulator.entry("k", "efo-" + i)).toList());

    try (KinesisAsyncClient async = kinesis.newAsyncClient()) {
      String consumerArn =
          async
              .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("efo-test"))
              .get(10, TimeUnit.SECONDS)
              .consumer()
              .consumerARN();
      while (async
              .describeStreamConsumer(b -> b.consumerARN(consumerArn))
              .get(10, TimeUnit.SECONDS)
              .consumerDescription()
              .consumerStatus()
          != ConsumerStatus.ACTIVE) {
        Thread.sleep(20);
      }
      List<String> received = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> all = new CompletableFuture<>();
      SubscribeToShardResponseHandler handler =
          SubscribeToShardResponseHandler.builder()
              .onError(all::completeExceptionally)
              .subscriber(
                  SubscribeToShardResponseHandler.Visitor.builder()
                      .onSubscribeToShardEvent(
                          event -> {
                            event.records().forEach(r -> received.add(r.data().asUtf8String()));
                            if (received.size() >= 10) {
                              all.complete(null);
                            }
                          })
                      .build())
              .build();
      CompletableFuture<Void> subscription =
          async.subscribeToShard(
              b ->
                  b.consumerARN(consumerArn)
                      .shardId(shardId)
                      .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
              handler);

      all.get(30, TimeUnit.SECONDS);
      subscription.cancel(true);
      assertThat(received)
          .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "efo-" + i).toList());
    }
  }

  @Test
  void kinesisLocalUpdateShardCountClosesParentsAndListShardsShowsChildren(
      @LocalStack(kinesis = KinesisFlavor.KINESIS_LOCAL) KinesisEmulator kinesis) {
    String stream = kinesis.createStream(2);
    kinesis.putRecords(stream, List.of(KinesisEmulator.entry("a", "before")));

    kinesis
        .client()
        .updateShardCount(
            b -> b.streamName(stream).targetShardCount(4).scalingType(ScalingType.UNIFORM_SCALING));
    kinesis.awaitActive(stream);
    List<Shard> shards = kinesis.listShards(stream);

    Set<String> parents =
        shards.stream()
            .map(Shard::parentShardId)
            .filter(p -> p != null)
            .collect(Collectors.toSet());
    List<Shard> open =
        shards.stream()
            .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
            .toList();
    assertThat(open).hasSize(4);
    assertThat(open).allSatisfy(s -> assertThat(s.parentShardId()).isNotNull());
    assertThat(parents).isNotEmpty();
    assertThat(shards.stream().map(Shard::shardId)).containsAll(parents);
    assertThat(kinesis.readAll(stream)).extracting(r -> r.data().asUtf8String()).contains("before");
  }

  @Test
  void classLevelFlavorIsInjectedAsClient(KinesisClient client, KinesisEmulator kinesis) {
    assertThat(kinesis.flavor()).isEqualTo(KinesisFlavor.KINESALITE);
    assertThat(client).isSameAs(kinesis.client());
    assertThat(client.listStreams().streamNames()).isNotNull();
  }

  /**
   * kinesalite rethrows the error Node gives a request whose client hung up, which kills it: a
   * runner interrupted or killed mid-call took it down for every test after it. The preload stops
   * that.
   */
  @ParameterizedTest
  @EnumSource(KinesisFlavor.class)
  void aClientThatHangsUpMidRequestDoesNotStopTheEmulator(KinesisFlavor flavor, Emulators emulators)
      throws Exception {
    KinesisEmulator kinesis = emulators.kinesis(flavor);
    String stream = kinesis.createStream(1);

    for (int i = 0; i < 3; i++) {
      try (Socket socket = new Socket("127.0.0.1", kinesis.port())) {
        // Headers promise 100 bytes of body; 5 arrive, then the connection closes.
        socket
            .getOutputStream()
            .write(
                ("POST / HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/x-amz-json-1.1\r\n"
                        + "X-Amz-Target: Kinesis_20131202.ListStreams\r\n"
                        + "Content-Length: 100\r\n\r\n{\"Lim")
                    .getBytes(UTF_8));
        socket.getOutputStream().flush();
      }
    }

    assertThat(kinesis.awaitActive(stream).streamName()).isEqualTo(stream);
    assertThat(kinesis.isAlive()).isTrue();
  }

  @Test
  void anEmulatorThatDiedIsStartedAgainOnNextUse(Emulators emulators) throws Exception {
    KinesisEmulator first = emulators.kinesis(KinesisFlavor.KINESALITE);
    ProcessHandle node = ProcessHandle.of(first.pid()).orElseThrow();

    node.destroyForcibly();
    node.onExit().get(10, TimeUnit.SECONDS);
    KinesisEmulator second = emulators.kinesis(KinesisFlavor.KINESALITE);

    assertThat(first.isAlive()).isFalse();
    assertThat(second).isNotSameAs(first);
    assertThat(second.isAlive()).isTrue();
    assertThat(second.client().listStreams().streamNames()).isNotNull();
  }

  @Test
  void theNodePreloadExitsWhenItsParentIsKilled() throws Exception {
    // bash stands in for the JVM: it starts Node with the preload, prints Node's pid and waits.
    String script =
        "MINIETL_PARENT_PID=$$ node -r '"
            + KinesisEmulator.preloadScript()
            + "' -e 'setInterval(() => {}, 1000)' & echo $!; wait";
    Process parent = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
    long nodePid;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(parent.getInputStream(), UTF_8))) {
      nodePid = Long.parseLong(out.readLine().trim());
      ProcessHandle node = ProcessHandle.of(nodePid).orElseThrow();
      assertThat(node.isAlive()).isTrue();

      parent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

      // The preload polls its parent pid every 500 ms.
      node.onExit().get(10, TimeUnit.SECONDS);
      assertThat(node.isAlive()).isFalse();
    } finally {
      ProcessHandle.of(parent.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** The local addresses (hex ip:port, as in /proc/net/tcp) of the process's TCP listeners. */
  private static List<String> listeningAddresses(long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid + "", "fd"))) {
      for (Path fd : fds) {
        String target = Files.readSymbolicLink(fd).toString();
        if (target.startsWith("socket:[")) {
          inodes.add(target.substring(8, target.length() - 1));
        }
      }
    }
    List<String> listeners = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      if (!Files.exists(Path.of(table))) {
        continue;
      }
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; 0A = LISTEN
        if (f.length > 9 && f[3].equals("0A") && inodes.contains(f[9])) {
          listeners.add(f[1]);
        }
      }
    }
    return listeners;
  }
}
