package io.minietl.examples;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.KinesisFlavor;
import io.minietl.testing.S3Emulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code local-stack}: the local stack of {@code ./demo} in one process. Starts kinesalite (the
 * repository's npm package, as a Node child kept on loopback by the test-support preload) and
 * s3proxy in this JVM on a filesystem store, both on free loopback ports; creates the stream and
 * the bucket; writes the environment a client needs ({@code AWS_ENDPOINT_URL_KINESIS}, {@code
 * AWS_ENDPOINT_URL_S3}, region, dummy credentials, {@code CBOR_ENABLED=false}) to a file a shell
 * can source; then waits.
 *
 * <p>It stops, taking kinesalite with it, when its standard input reaches end of file (the demo
 * script holds the other end of a pipe, so this also happens when the script is killed) or on
 * SIGTERM/SIGINT. The objects stay in the store directory ({@code <dir>/<bucket>/<key>}).
 */
@Command(
    name = "local-stack",
    description = {
      "kinesalite and s3proxy on free loopback ports for ./demo: creates the stream and the bucket,"
          + " writes the client environment to --env-file, then waits until standard input ends"
          + " or SIGTERM."
    })
final class LocalStackCommand implements Callable<Integer> {
  private final CommandContext context;

  @Option(
      names = "--env-file",
      paramLabel = "FILE",
      required = true,
      description = "Where to write the environment a client needs (export lines).")
  String envFile;

  @Option(
      names = "--s3-dir",
      paramLabel = "DIR",
      defaultValue = ".demo/s3",
      description = "s3proxy's store: <dir>/<bucket>/<key>.")
  String s3Dir;

  @Option(
      names = "--log-dir",
      paramLabel = "DIR",
      defaultValue = ".demo/logs",
      description = "The emulators' logs.")
  String logDir;

  @Option(
      names = "--root",
      paramLabel = "REPO",
      defaultValue = ".",
      description = "The repository root (its node_modules hold kinesalite).")
  String root;

  @Option(
      names = "--stream",
      paramLabel = "NAME",
      defaultValue = "MyStream",
      description = "Stream to create.")
  String stream;

  @Option(
      names = "--shards",
      paramLabel = "N",
      defaultValue = "4",
      converter = Converters.PositiveInt.class,
      description = "Shards of the stream.")
  int shards;

  @Option(
      names = "--bucket",
      paramLabel = "NAME",
      defaultValue = "my-bucket",
      description = "Bucket to create.")
  String bucket;

  LocalStackCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    return run(context.out());
  }

  private static Path absolute(String path) {
    return Paths.get(path).toAbsolutePath().normalize();
  }

  int run(PrintStream out) throws IOException {
    Path root = absolute(this.root);
    Path s3Dir = absolute(this.s3Dir);
    Path logDir = absolute(this.logDir);
    Path envFile = absolute(this.envFile);
    Files.createDirectories(s3Dir);
    Files.createDirectories(logDir);
    Files.deleteIfExists(envFile);
    KinesisEmulator kinesis =
        KinesisEmulator.builder(KinesisFlavor.KINESALITE)
            .root(root)
            .logDirectory(logDir)
            .maxHeapMb(512)
            .start();
    S3Emulator s3;
    try {
      s3 = S3Emulator.start(s3Dir);
    } catch (RuntimeException e) {
      kinesis.close();
      throw e;
    }
    Thread stopper = new Thread(() -> stop(kinesis, s3), "local-stack-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    kinesis.createStream(stream, shards);
    if (!s3.client().listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
      s3.createBucket(bucket);
    }
    Map<String, String> env = new LinkedHashMap<>(kinesis.environment());
    env.putAll(s3.environment());
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> e : env.entrySet()) {
      text.append("export ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    Path tmp = envFile.resolveSibling(envFile.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, envFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    out.printf(
        Locale.ROOT,
        "local-stack: kinesalite %s (pid %d, stream %s with %d shards), s3proxy %s (bucket %s"
            + " in %s)%n",
        kinesis.endpoint(),
        kinesis.pid(),
        stream,
        shards,
        s3.endpoint(),
        bucket,
        s3Dir);
    out.flush();
    try {
      while (System.in.read() >= 0) {
        // Wait for end of file: the parent closed its end or died.
      }
    } catch (IOException e) {
      // Same: the pipe is gone.
    }
    return 0; // System.exit runs the shutdown hook, which stops both emulators.
  }

  private static void stop(KinesisEmulator kinesis, S3Emulator s3) {
    try {
      s3.close();
    } catch (RuntimeException e) {
      // Stopping anyway.
    }
    kinesis.close();
  }
}
