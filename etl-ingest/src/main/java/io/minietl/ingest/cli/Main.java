package io.minietl.ingest.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectInfo;
import io.minietl.ingest.DatasetMaintenance;
import io.minietl.ingest.FencedException;
import io.minietl.ingest.IngestOptions;
import io.minietl.ingest.IngestRunner;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.s3.S3AccessException;
import io.minietl.s3.S3ObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code etl-ingest} command line: {@code run}, {@code stats} and {@code gc}.
 *
 * <p>Exit codes: 0 success (also after SIGTERM/Ctrl-C: the runner commits what it read and stops),
 * 1 an unexpected failure, 2 bad configuration (one line naming the problem), 3 fenced by another
 * runner on the same dataset. Only this class reads the environment.
 */
public final class Main {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_CONFIGURATION = 2;
  static final int FENCED = 3;

  private Main() {}

  public static void main(String[] args) {
    if (System.getProperty("aws.cborEnabled") == null
        && "false".equalsIgnoreCase(System.getenv("CBOR_ENABLED"))) {
      System.setProperty("aws.cborEnabled", "false"); // kinesalite speaks JSON only
    }
    int code = run(Arrays.asList(args), System.getenv(), System.out, System.err, true);
    if (!shutdownInProgress) {
      System.exit(code);
    }
  }

  private static volatile boolean shutdownInProgress;

  /** Runs one command; returns the exit code. {@code signals}: install the SIGTERM handler. */
  static int run(
      List<String> args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      boolean signals) {
    if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
      out.print(usage());
      return args.isEmpty() ? BAD_CONFIGURATION : OK;
    }
    boolean verbose =
        args.contains("--verbose") || "true".equalsIgnoreCase(env.get("MINIETL_VERBOSE"));
    try {
      CliArguments a = CliArguments.parse(args, env);
      switch (a.command()) {
        case "run":
          return runCommand(a, env, out, signals);
        case "stats":
          return statsCommand(a, env, out);
        case "gc":
          return gcCommand(a, env, out);
        default:
          throw new UsageException(
              "Unknown command '" + a.command() + "': use run, stats or gc (see --help)");
      }
    } catch (UsageException | StreamNotFoundException | S3AccessException e) {
      return fail(err, e, BAD_CONFIGURATION, verbose);
    } catch (FencedException e) {
      return fail(err, e, FENCED, verbose);
    } catch (SdkClientException e) {
      return fail(
          err,
          new UsageException(
              "Cannot reach AWS (check AWS_ENDPOINT_URL/--endpoint, AWS_REGION and credentials): "
                  + e.getMessage(),
              e),
          BAD_CONFIGURATION,
          verbose);
    } catch (RuntimeException e) {
      return fail(err, e, FAILED, verbose);
    }
  }

  private static int fail(PrintStream err, RuntimeException e, int code, boolean verbose) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    err.println("etl-ingest: " + message.lines().findFirst().orElse(message));
    if (verbose) {
      e.printStackTrace(err);
    }
    return code;
  }

  private static int runCommand(
      CliArguments a, Map<String, String> env, PrintStream out, boolean signals) {
    String streamName = a.required(CliOption.STREAM);
    URI dataset = datasetUri(a);
    IngestOptions options = options(a);
    AwsClients aws = clients(a, env);
    try (KinesisClient kinesis = aws.newKinesisClient();
        S3Client s3 = aws.newS3Client()) {
      KinesisStreamProxy stream = KinesisStreamProxy.create(kinesis, streamName);
      S3ObjectStore store = S3ObjectStore.create(s3, dataset);
      store.checkAccess();
      int shards = stream.listShards().size(); // fails fast on an unknown stream
      out.printf(
          Locale.ROOT,
          "run: stream %s (%d shards) -> %s, writer %s%n",
          streamName,
          shards,
          store.location(),
          options.writerId());
      IngestRunner runner = IngestRunner.create(stream, store, options, out::println);
      CountDownLatch done = new CountDownLatch(1);
      int[] exit = {OK};
      if (signals) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      if (done.getCount() == 0) {
                        return; // run() ended first: main's System.exit carries the exit code
                      }
                      // SIGTERM/Ctrl-C while running: commit, then exit 0 rather than 143/130.
                      shutdownInProgress = true;
                      runner.stop();
                      try {
                        done.await(120, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      out.flush();
                      Runtime.getRuntime().halt(exit[0]);
                    },
                    "etl-ingest-shutdown"));
      }
      try {
        runner.run();
      } catch (RuntimeException e) {
        exit[0] = e instanceof FencedException ? FENCED : FAILED;
        throw e;
      } finally {
        done.countDown();
      }
      return OK;
    }
  }

  private static int statsCommand(CliArguments a, Map<String, String> env, PrintStream out) {
    URI dataset = datasetUri(a);
    try (S3Client s3 = clients(a, env).newS3Client()) {
      S3ObjectStore store = S3ObjectStore.create(s3, dataset);
      store.checkAccess();
      out.println(statsJson(store.location(), DatasetMaintenance.latest(store)));
      return OK;
    }
  }

  private static int gcCommand(CliArguments a, Map<String, String> env, PrintStream out) {
    URI dataset = datasetUri(a);
    boolean dryRun = a.isSet(CliOption.DRY_RUN);
    try (S3Client s3 = clients(a, env).newS3Client()) {
      S3ObjectStore store = S3ObjectStore.create(s3, dataset);
      store.checkAccess();
      List<ObjectInfo> garbage =
          DatasetMaintenance.collectGarbage(
              store, a.duration(CliOption.GRACE), Instant.now(), dryRun);
      for (ObjectInfo o : garbage) {
        out.println(
            (dryRun ? "would delete " : "deleted ") + o.key() + " (" + o.size() + " bytes)");
      }
      out.printf(
          Locale.ROOT,
          "gc: %d unlisted object(s) older than %s %s%n",
          garbage.size(),
          a.string(CliOption.GRACE),
          dryRun ? "found (dry run)" : "deleted");
      return OK;
    }
  }

  /** The {@code stats} JSON: what the latest manifest says, without reading data. */
  static String statsJson(String location, DatasetState state) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("dataset", location);
      g.writeNumberField("version", state.version());
      g.writeNumberField("shards", state.shards().size());
      g.writeNumberField("rows", state.totalRows());
      g.writeNumberField("bytes", state.totalBytes());
      g.writeNumberField("error_records", state.totalErrorRecords());
      g.writeNumberField("error_files", state.errorFiles().size());
      long closed = state.checkpoint().values().stream().filter(ShardCheckpoint::closed).count();
      g.writeObjectFieldStart("kinesis_shards");
      g.writeNumberField("checkpointed", state.checkpoint().size());
      g.writeNumberField("closed", closed);
      g.writeEndObject();
      g.writeObjectFieldStart("features");
      for (Map.Entry<String, FeatureStats> e : state.stats().entrySet()) {
        FeatureStats s = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        g.writeNumberField("count", s.count());
        if (!s.isEmpty()) {
          g.writeNumberField("mean", s.mean());
          g.writeNumberField("min", s.min());
          g.writeNumberField("max", s.max());
          g.writeNumberField("stddev", s.stddev());
          g.writeNumberField("sum", s.sum());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static URI datasetUri(CliArguments a) {
    String text = a.required(CliOption.DATASET);
    try {
      URI uri = URI.create(text);
      if (!"s3".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw CliArguments.invalid(CliOption.DATASET, text, "s3://bucket/prefix");
    }
  }

  private static AwsClients clients(CliArguments a, Map<String, String> env) {
    AwsClients.Builder b = AwsClients.builder().environment(env);
    String endpoint = a.string(CliOption.ENDPOINT);
    if (endpoint != null && !endpoint.isBlank()) {
      try {
        b.endpoint(URI.create(endpoint));
      } catch (IllegalArgumentException e) {
        throw CliArguments.invalid(
            CliOption.ENDPOINT, endpoint, "a URL like http://localhost:4566");
      }
    }
    return b.build();
  }

  static IngestOptions options(CliArguments a) {
    IngestOptions.Builder b = IngestOptions.builder();
    b.initialPosition(startPosition(a));
    b.targetShardBytes(a.size(CliOption.TARGET_SHARD_SIZE));
    b.maxShardRows(a.positiveLong(CliOption.MAX_SHARD_ROWS));
    b.maxShardAge(a.duration(CliOption.MAX_SHARD_AGE));
    b.compression(compression(a));
    b.rowsPerBatch((int) Math.min(Integer.MAX_VALUE, a.positiveLong(CliOption.BATCH_ROWS)));
    b.bufferBytes(a.size(CliOption.BUFFER_SIZE));
    long perCall = a.positiveLong(CliOption.RECORDS_PER_CALL);
    if (perCall > 10_000) {
      throw CliArguments.invalid(CliOption.RECORDS_PER_CALL, Long.toString(perCall), "1..10000");
    }
    b.recordsPerCall((int) perCall);
    b.callBytes(a.size(CliOption.CALL_SIZE));
    b.progressInterval(a.duration(CliOption.PROGRESS_INTERVAL));
    if (a.string(CliOption.STOP_WHEN_IDLE) != null) {
      b.stopWhenIdle(a.duration(CliOption.STOP_WHEN_IDLE));
    }
    return b.build();
  }

  private static StartPosition startPosition(CliArguments a) {
    String v = a.required(CliOption.START_POSITION).trim();
    String upper = v.toUpperCase(Locale.ROOT);
    if (upper.equals("TRIM_HORIZON")) {
      return StartPosition.trimHorizon();
    }
    if (upper.equals("LATEST")) {
      return StartPosition.latest();
    }
    if (upper.startsWith("AT_TIMESTAMP=")) {
      return StartPosition.atTimestamp(
          a.instant(CliOption.START_POSITION, v.substring("AT_TIMESTAMP=".length())));
    }
    throw CliArguments.invalid(
        CliOption.START_POSITION, v, "TRIM_HORIZON, LATEST or AT_TIMESTAMP=<ISO-8601>");
  }

  private static ShardCompression compression(CliArguments a) {
    String v = a.required(CliOption.COMPRESSION).trim().toLowerCase(Locale.ROOT);
    switch (v) {
      case "zstd":
        return ShardCompression.ZSTD;
      case "lz4":
      case "lz4_frame":
        return ShardCompression.LZ4_FRAME;
      case "none":
        return ShardCompression.NONE;
      default:
        throw CliArguments.invalid(CliOption.COMPRESSION, v, "zstd, lz4 or none");
    }
  }

  static String usage() {
    StringBuilder s = new StringBuilder();
    s.append("Usage: java -jar etl-ingest.jar <command> [options]\n\n")
        .append("Commands:\n")
        .append("  run    read every shard of --stream into --dataset until stopped (or idle)\n")
        .append("  stats  print what the latest manifest of --dataset says, as JSON\n")
        .append("  gc     delete shard/error files no manifest lists, older than --grace\n\n")
        .append("Options (flag, environment variable, default):\n");
    for (CliOption o : CliOption.values()) {
      s.append(
          String.format(
              Locale.ROOT,
              "  %-22s %-28s %s%n",
              o.flag(),
              o.env() == null ? "" : o.env(),
              o.defaultValue() == null ? "" : o.defaultValue()));
      s.append("      ").append(o.description()).append('\n');
    }
    s.append(
        "\nRegion and credentials come from the AWS default chain (AWS_REGION, AWS_ACCESS_KEY_ID, ...).\n"
            + "Exit codes: 0 ok, 1 failure, 2 bad configuration, 3 fenced by another runner.\n");
    return s.toString();
  }
}
