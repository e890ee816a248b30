package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import io.minietl.cli.VerboseOption;
import io.minietl.core.storage.ObjectStore;
import io.minietl.ingest.FencedException;
import io.minietl.ingest.IngestOptions;
import io.minietl.ingest.IngestRunner;
import io.minietl.ingest.metrics.MetricsServer;
import io.minietl.ingest.metrics.RunMetrics;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.StreamNotFoundException;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code run}: reads every shard of the stream into the dataset until SIGTERM/Ctrl-C (then commits
 * what it read and exits 0) or, with {@code --stop-when-idle}, until caught up and idle.
 */
@Command(
    name = "run",
    description = {
      "Read every shard of --stream into --dataset until stopped (SIGTERM or Ctrl-C: commit, print"
          + " the final line, exit 0) or, with --stop-when-idle, until caught up and idle."
    })
public final class RunCommand implements Callable<Integer> {
  private static volatile boolean shutdownInProgress;

  private final CommandContext context;

  @Mixin StreamOption streamOption;

  @Mixin DatasetOption dataset;

  @Mixin PipelineOptions pipeline;

  @Mixin VerboseOption verbose; // also prints the stacks of retried failures

  // --max-shard-age, --progress-interval and --stop-when-idle, as etl-flink's run has them.
  @Mixin RunOptions run;

  @Option(
      names = "--buffer-size",
      paramLabel = "SIZE",
      defaultValue = "64MiB",
      converter = Converters.Size.class,
      description =
          "Memory budget of fetched, unprocessed records; reading pauses when it is full.")
  @Env("MINIETL_BUFFER_SIZE")
  long bufferSize;

  // A plain flag (arity 0), unlike etl-flink's: "--reset-checkpoint true" is not accepted here.
  @Option(names = "--reset-checkpoint", description = RunOptions.RESET_CHECKPOINT_HELP)
  @Env("MINIETL_RESET_CHECKPOINT")
  boolean resetCheckpoint;

  @Option(
      names = "--stall-warning",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = Converters.Duration.class,
      description =
          "Name a shard (or shard discovery) in every progress line once its calls have failed"
              + " for this long.")
  @Env("MINIETL_STALL_WARNING")
  Duration stallWarning;

  @Mixin MetricsOptions metrics;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "plain",
      converter = LogFormat.Converter.class,
      description =
          "plain: progress lines as text; json: every line (progress, notices, the libraries'"
              + " warnings on stderr) as one JSON object: timestamp, level, logger, message and the"
              + " run's counters as fields.")
  @Env("MINIETL_LOG_FORMAT")
  LogFormat logFormat;

  RunCommand(CommandContext context) {
    this.context = context;
  }

  /** True once SIGTERM/Ctrl-C reached a running {@code run}: its hook halts with the exit code. */
  static boolean shutdownInProgress() {
    return shutdownInProgress;
  }

  /** The runner's options, as the flags, the environment and the defaults give them. */
  IngestOptions options() {
    IngestOptions.Builder b =
        IngestOptions.builder()
            .initialPosition(pipeline.startPosition())
            .targetShardBytes(pipeline.targetShardSize())
            .maxShardRows(pipeline.maxShardRows())
            .maxShardAge(run.maxShardAge())
            .compression(pipeline.compression())
            .rowsPerBatch(pipeline.batchRows())
            .bufferBytes(bufferSize)
            .recordsPerCall(pipeline.recordsPerCall())
            .callBytes(pipeline.callSize())
            .progressInterval(run.progressInterval())
            .resetCheckpoint(resetCheckpoint)
            .stallWarning(stallWarning)
            .verbose(verbose.verbose());
    if (run.stopWhenIdle() != null) {
      b.stopWhenIdle(run.stopWhenIdle());
    }
    return b.build();
  }

  @Override
  public Integer call() {
    String stream = streamOption.stream(); // first: a missing stream is the first error
    IngestOptions options = options();
    if (context.isProcess()) {
      Logging.configure(logFormat); // the whole JVM's logging: only in a process of its own
    }
    AwsClients aws = dataset.clients(context);
    PrintStream out = context.out();
    RunMetrics runMetrics = RunMetrics.create();
    Consumer<String> lines = lines(out, runMetrics);
    try (KinesisClient kinesis = aws.newKinesisClient();
        LazyS3Client s3 = aws.lazyS3Client();
        MetricsServer server = startMetrics(runMetrics, lines)) {
      KinesisStreamProxy proxy = KinesisStreamProxy.create(kinesis, stream);
      ObjectStore store = dataset.open(s3);
      int shards;
      try {
        shards = proxy.listShards().size(); // fails fast on an unknown stream
      } catch (SdkClientException e) {
        throw new UsageException(
            "Cannot reach Kinesis at "
                + aws.describeKinesisEndpoint()
                + ": check --endpoint, AWS_ENDPOINT_URL_KINESIS or AWS_ENDPOINT_URL",
            e);
      }
      lines.accept(
          String.format(
              Locale.ROOT,
              "run: stream %s (%d shards) -> %s, writer %s",
              stream,
              shards,
              store.location(),
              options.writerId()));
      IngestRunner runner = IngestRunner.create(proxy, store, options, lines, runMetrics);
      CountDownLatch done = new CountDownLatch(1);
      int[] exit = {ExitCode.OK.code()};
      if (context.isProcess()) {
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
        exit[0] =
            e instanceof FencedException
                ? ExitCode.FENCED.code()
                : e instanceof StreamMismatchException || e instanceof StreamNotFoundException
                    ? ExitCode.USAGE.code()
                    : ExitCode.FAILED.code();
        throw e;
      } finally {
        done.countDown();
      }
      return ExitCode.OK.code();
    }
  }

  /** Where the runner's lines go: as they are, or as JSON lines with the run's counters. */
  private Consumer<String> lines(PrintStream out, RunMetrics runMetrics) {
    if (logFormat != LogFormat.JSON) {
      return out::println;
    }
    String logger = IngestRunner.class.getName();
    return line ->
        out.println(
            JsonLog.line(Instant.now(), level(line), logger, line, runMetrics.progressFields()));
  }

  /** WARN for what an operator must look at (lost data, failures, stalls), INFO otherwise. */
  static String level(String line) {
    return line.startsWith("DATA LOST")
            || line.startsWith("warning:")
            || line.startsWith("retrying:")
            || line.contains("| STALLED")
        ? "WARN"
        : "INFO";
  }

  /** The metrics endpoint when --metrics-port is set, else null; logs where it listens. */
  private MetricsServer startMetrics(RunMetrics runMetrics, Consumer<String> lines) {
    if (metrics.port == null) {
      return null;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(metrics.bind);
    } catch (UnknownHostException e) {
      throw new UsageException(
          "Invalid --metrics-bind '" + metrics.bind + "': not an address of this machine", e);
    }
    MetricsServer server;
    try {
      server = MetricsServer.start(new InetSocketAddress(address, metrics.port), runMetrics);
    } catch (UncheckedIOException e) {
      throw new UsageException(
          e.getMessage() + ": check --metrics-port and --metrics-bind (MINIETL_METRICS_PORT)", e);
    }
    String host = server.address().getAddress().getHostAddress();
    lines.accept(
        "metrics: http://"
            + (host.contains(":") ? "[" + host + "]" : host)
            + ":"
            + server.port()
            + "/metrics and /health");
    return server;
  }
}
