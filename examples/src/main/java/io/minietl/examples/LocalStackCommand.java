package io.minietl.examples;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
final class LocalStackCommand {
  private final Path root;
  private final Path s3Dir;
  private final Path logDir;
  private final Path envFile;
  private final String stream;
  private final int shards;
  private final String bucket;

  private LocalStackCommand(Map<String, String> v) {
    this.root = Paths.get(v.get("--root")).toAbsolutePath().normalize();
    this.s3Dir = Paths.get(v.get("--s3-dir")).toAbsolutePath().normalize();
    this.logDir = Paths.get(v.get("--log-dir")).toAbsolutePath().normalize();
    this.envFile = Paths.get(v.get("--env-file")).toAbsolutePath().normalize();
    this.stream = v.get("--stream");
    this.bucket = v.get("--bucket");
    try {
      this.shards = Integer.parseInt(v.get("--shards"));
    } catch (NumberFormatException e) {
      throw new ProduceCommand.UsageError("Invalid --shards '" + v.get("--shards") + "'");
    }
  }

  static final String USAGE =
      "  local-stack --env-file FILE [--s3-dir DIR] [--log-dir DIR] [--root REPO]\n"
          + "              [--stream MyStream] [--shards 4] [--bucket my-bucket]\n";

  static LocalStackCommand parse(List<String> args) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("--root", ".");
    v.put("--s3-dir", ".demo/s3");
    v.put("--log-dir", ".demo/logs");
    v.put("--env-file", null);
    v.put("--stream", "MyStream");
    v.put("--shards", "4");
    v.put("--bucket", "my-bucket");
    for (int i = 0; i < args.size(); i += 2) {
      if (!v.containsKey(args.get(i)) || i + 1 >= args.size()) {
        throw new ProduceCommand.UsageError(
            "Invalid local-stack argument '" + args.get(i) + "'; usage:\n" + USAGE);
      }
      v.put(args.get(i), args.get(i + 1));
    }
    if (v.get("--env-file") == null) {
      throw new ProduceCommand.UsageError("Missing --env-file; usage:\n" + USAGE);
    }
    return new LocalStackCommand(v);
  }

  int run(PrintStream out) throws IOException {
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
