package io.minietl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * A Kinesis emulator ({@link KinesisFlavor}) running as a Node child process on a free loopback
 * port, with clients configured for it and helpers for tests.
 *
 * <p>The emulator is the npm package installed in the repository root's {@code node_modules} (the
 * root is {@code -Dminietl.root}, which the parent POM sets for surefire and failsafe, or the
 * nearest directory above the working directory holding {@code package.json}). It is started with
 * {@code node -r loopback-preload.js}, which keeps it on 127.0.0.1 and makes it exit when this JVM
 * dies. Its output goes to {@link #log()} (under {@code target/emulator-logs}); if it exits before
 * {@link #close()}, the exit code and the end of the log are printed to standard error, so that a
 * CI log shows why the tests after it cannot connect.
 *
 * <p><b>CBOR.</b> kinesalite mishandles the SDK's CBOR encoding, and SDK v2 has no per-client
 * switch: the setting is the system property {@code aws.cborEnabled} (or the environment variable
 * {@code CBOR_ENABLED}), read when a client is built. Loading this class sets {@code
 * aws.cborEnabled=false} unless it is already set; clients built earlier in the JVM keep CBOR on.
 * kinesis-local and real Kinesis accept JSON, so this is harmless for them. A child JVM gets the
 * setting through {@link #environment()}.
 *
 * <p>Thread safety: all methods may be called from any thread. Close it to stop the process (a
 * shutdown hook stops it too if the JVM exits first).
 */
public final class KinesisEmulator implements AutoCloseable {
  /** The static credentials the emulators accept (any would do). */
  public static final String ACCESS_KEY_ID = "test";

  public static final String SECRET_ACCESS_KEY = "test";
  public static final Region REGION = Region.US_EAST_1;

  private static final String CBOR_PROPERTY = SdkSystemSetting.CBOR_ENABLED.property();

  static {
    if (System.getProperty(CBOR_PROPERTY) == null) {
      System.setProperty(CBOR_PROPERTY, "false");
    }
  }

  private final KinesisFlavor flavor;
  private final ChildProcess process;
  private final int port;
  private final URI endpoint;
  private final Duration startupTime;
  private final KinesisClient client;

  private KinesisEmulator(
      KinesisFlavor flavor, ChildProcess process, int port, Duration startupTime) {
    this.flavor = flavor;
    this.process = process;
    this.port = port;
    this.endpoint = URI.create("http://" + LocalPorts.LOOPBACK + ":" + port);
    this.startupTime = startupTime;
    this.client = clientBuilder().build();
  }

  /** Starts an emulator with the default settings; see {@link #builder(KinesisFlavor)}. */
  public static KinesisEmulator start(KinesisFlavor flavor) {
    return builder(flavor).start();
  }

  /** A builder for an emulator of the given flavor. */
  public static Builder builder(KinesisFlavor flavor) {
    return new Builder(flavor);
  }

  public KinesisFlavor flavor() {
    return flavor;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  public int port() {
    return port;
  }

  /** The emulator's stdout and stderr. */
  public Path log() {
    return process.log();
  }

  /** From starting the process to the first answered request. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Whether the Node process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The PID of the Node process. */
  public long pid() {
    return process.pid();
  }

  /** A synchronous client for this emulator, shared, closed with it: do not close it. */
  public KinesisClient client() {
    return client;
  }

  /**
   * A client builder with the endpoint, region and credentials set, to add interceptors or
   * timeouts. The caller closes what it builds.
   */
  public KinesisClientBuilder clientBuilder() {
    return clientBuilder(endpoint);
  }

  private static KinesisClientBuilder clientBuilder(URI endpoint) {
    return KinesisClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(credentials());
  }

  /**
   * An async client builder on Netty with the endpoint, region and credentials set: HTTP/2 (h2c on
   * the plain port) for kinesis-local, which is what enhanced fan-out (SubscribeToShard) needs;
   * HTTP/1.1 for kinesalite, which has no HTTP/2 and no enhanced fan-out.
   */
  public KinesisAsyncClientBuilder asyncClientBuilder() {
    Protocol protocol = flavor == KinesisFlavor.KINESIS_LOCAL ? Protocol.HTTP2 : Protocol.HTTP1_1;
    return KinesisAsyncClient.builder()
        .endpointOverride(endpoint)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(protocol));
  }

  /** A new async client ({@link #asyncClientBuilder()}); the caller closes it. */
  public KinesisAsyncClient newAsyncClient() {
    return asyncClientBuilder().build();
  }

  /**
   * The environment a child process (a runner JVM, the AWS CLI) needs to reach this emulator
   * through the standard AWS configuration: {@code AWS_ENDPOINT_URL_KINESIS}, {@code AWS_REGION},
   * static credentials and {@code CBOR_ENABLED=false}.
   */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("AWS_ENDPOINT_URL_KINESIS", endpoint.toString());
    env.put("AWS_REGION", REGION.id());
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
    env.put("CBOR_ENABLED", "false");
    return env;
  }

  /** See {@link KinesisStreams#uniqueStreamName(String)}. */
  public static String uniqueStreamName(String prefix) {
    return KinesisStreams.uniqueStreamName(prefix);
  }

  /** Creates a stream with a unique name and waits until it is ACTIVE; returns its name. */
  public String createStream(int shards) {
    return KinesisStreams.createStream(client, KinesisStreams.uniqueStreamName("test"), shards);
  }

  /** Creates the stream and waits until it is ACTIVE; returns its name. */
  public String createStream(String name, int shards) {
    return KinesisStreams.createStream(client, name, shards);
  }

  /** See {@link KinesisStreams#awaitActive(KinesisClient, String)}. */
  public StreamDescriptionSummary awaitActive(String name) {
    return KinesisStreams.awaitActive(client, name);
  }

  /** Deletes the stream, its consumers included, without waiting. */
  public void deleteStream(String name) {
    client.deleteStream(b -> b.streamName(name).enforceConsumerDeletion(true));
  }

  /** The stream's ARN, as the emulator reports it. */
  public String streamArn(String name) {
    return client
        .describeStreamSummary(b -> b.streamName(name))
        .streamDescriptionSummary()
        .streamARN();
  }

  /** See {@link KinesisStreams#entry(String, String)}. */
  public static PutRecordsRequestEntry entry(String partitionKey, String data) {
    return KinesisStreams.entry(partitionKey, data);
  }

  /** See {@link KinesisStreams#putRecords(KinesisClient, String, List)}. */
  public List<PutRecordsResultEntry> putRecords(
      String streamName, List<PutRecordsRequestEntry> entries) {
    return KinesisStreams.putRecords(client, streamName, entries);
  }

  /** See {@link KinesisStreams#readAll(KinesisClient, String)}. */
  public List<Record> readAll(String streamName) {
    return KinesisStreams.readAll(client, streamName);
  }

  /** See {@link KinesisStreams#listShards(KinesisClient, String)}. */
  public List<Shard> listShards(String streamName) {
    return KinesisStreams.listShards(client, streamName);
  }

  /** Stops the emulator process and closes the shared client. */
  @Override
  public void close() {
    try {
      client.close();
    } finally {
      process.close();
    }
  }

  @Override
  public String toString() {
    return flavor + " at " + endpoint + " (pid " + process.pid() + ", log " + log() + ")";
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY));
  }

  /** Settings of an emulator to start. Not thread safe. */
  public static final class Builder {
    private final KinesisFlavor flavor;
    private Path root;
    private Path logDirectory;
    private String node = System.getProperty("minietl.node", "node");
    private int maxHeapMb = 1024;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(KinesisFlavor flavor) {
      this.flavor = Objects.requireNonNull(flavor, "flavor");
    }

    /** The repository root holding {@code node_modules}; default {@code -Dminietl.root}. */
    public Builder root(Path root) {
      this.root = root;
      return this;
    }

    /** Where the emulator's log goes; default {@code target/emulator-logs} or a temp dir. */
    public Builder logDirectory(Path logDirectory) {
      this.logDirectory = logDirectory;
      return this;
    }

    /** The Node executable; default {@code -Dminietl.node} or {@code node} on PATH. */
    public Builder node(String node) {
      this.node = node;
      return this;
    }

    /**
     * Node's {@code --max-old-space-size} in MB (default 1024). kinesis-local takes ~180 MB idle
     * and ~1.1 GB after 256 MB stored; kinesalite keeps its data in the heap too.
     */
    public Builder maxHeapMb(int maxHeapMb) {
      if (maxHeapMb < 64) {
        throw new IllegalArgumentException("Invalid maxHeapMb " + maxHeapMb + ": must be >= 64");
      }
      this.maxHeapMb = maxHeapMb;
      return this;
    }

    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = startTimeout;
      return this;
    }

    /**
     * Starts the emulator and waits until it answers a request.
     *
     * @throws IllegalStateException if Node or the package is missing, or it does not start
     */
    public KinesisEmulator start() {
      if (flavor == KinesisFlavor.KINESALITE && "true".equals(System.getProperty(CBOR_PROPERTY))) {
        throw new IllegalStateException(
            "Cannot use kinesalite with -D" + CBOR_PROPERTY + "=true: it needs CBOR off");
      }
      Path repo = root != null ? root : RepoRoot.find();
      Path logs = logDirectory != null ? logDirectory : defaultLogDirectory();
      Path preload = preloadScript();
      IllegalStateException failure = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = LocalPorts.freePort();
        List<String> command = new ArrayList<>();
        command.add(node);
        command.add("--max-old-space-size=" + maxHeapMb);
        command.add("-r");
        command.add(preload.toString());
        Map<String, String> env = new HashMap<>();
        env.put("MINIETL_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("MINIETL_LISTEN_HOST", LocalPorts.LOOPBACK);
        Path script;
        if (flavor == KinesisFlavor.KINESALITE) {
          script = repo.resolve("node_modules/kinesalite/cli.js");
          command.add(script.toString());
          command.addAll(
              List.of(
                  "--port",
                  Integer.toString(port),
                  "--shardLimit",
                  "1000",
                  "--createStreamMs",
                  "50",
                  "--deleteStreamMs",
                  "50",
                  "--updateStreamMs",
                  "50"));
        } else {
          Path pkg = repo.resolve("node_modules/kinesis-local");
          script = pkg.resolve("main.js");
          command.add(script.toString());
          env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
          env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(LocalPorts.freePort()));
          env.put("KINESIS_MOCK_CERT_PATH", pkg.resolve("server.json").toString());
          env.put("LOG_LEVEL", "WARN");
          env.put("SHARD_LIMIT", "1000");
          env.put("AWS_REGION", REGION.id());
          for (String op :
              List.of(
                  "CREATE_STREAM",
                  "DELETE_STREAM",
                  "REGISTER_STREAM_CONSUMER",
                  "DEREGISTER_STREAM_CONSUMER",
                  "MERGE_SHARDS",
                  "SPLIT_SHARD",
                  "UPDATE_SHARD_COUNT",
                  "UPDATE_STREAM_MODE",
                  "START_STREAM_ENCRYPTION",
                  "STOP_STREAM_ENCRYPTION")) {
            env.put(op + "_DURATION", "50ms");
          }
        }
        if (!Files.isRegularFile(script)) {
          throw new IllegalStateException(
              "Cannot start "
                  + flavor
                  + ": "
                  + script
                  + " is missing. Run `mvn validate` (or build/npm-install.sh) at the repository"
                  + " root to install the pinned emulators.");
        }
        String logName = flavor.name().toLowerCase(Locale.ROOT).replace('_', '-');
        Path log = logs.resolve(logName + "-" + port + ".log");
        long started = System.nanoTime();
        ChildProcess process = ChildProcess.start(logName, command, env, repo, log);
        boolean up = process.awaitReady(() -> LocalPorts.answers(port), startTimeout);
        if (up) {
          URI endpoint = URI.create("http://" + LocalPorts.LOOPBACK + ":" + port);
          try (KinesisClient probe = clientBuilder(endpoint).build()) {
            probe.listStreams(b -> b.limit(1));
          } catch (RuntimeException e) {
            process.close();
            throw new IllegalStateException(
                "Cannot start " + flavor + ": its port answers but ListStreams fails; see " + log,
                e);
          }
          return new KinesisEmulator(
              flavor, process, port, Duration.ofNanos(System.nanoTime() - started));
        }
        process.close();
        String tail = process.logTail();
        failure =
            new IllegalStateException(
                "Cannot start "
                    + flavor
                    + " on port "
                    + port
                    + ": it exited. Log "
                    + log
                    + ":\n"
                    + tail);
        if (!tail.contains("EADDRINUSE")) {
          break;
        }
      }
      throw failure;
    }

    private static Path defaultLogDirectory() {
      Path target = Paths.get("target").toAbsolutePath();
      if (Files.isDirectory(target)) {
        return target.resolve("emulator-logs");
      }
      return Paths.get(System.getProperty("java.io.tmpdir"), "minietl-emulator-logs");
    }
  }

  private static volatile Path preload;

  /** The preload script, copied once per JVM from the classpath to a temp file. */
  static synchronized Path preloadScript() {
    if (preload == null) {
      try (InputStream in = KinesisEmulator.class.getResourceAsStream("loopback-preload.js")) {
        if (in == null) {
          throw new IllegalStateException("Cannot find loopback-preload.js on the classpath");
        }
        Path file = Files.createTempFile("minietl-loopback-preload-", ".js");
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        file.toFile().deleteOnExit();
        preload = file;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot extract the Node preload script", e);
      }
    }
    return preload;
  }
}
