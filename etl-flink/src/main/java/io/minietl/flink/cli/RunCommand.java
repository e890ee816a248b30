package io.minietl.flink.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.Manifest;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectStore;
import io.minietl.flink.EtlFlinkJob;
import io.minietl.flink.FencedException;
import io.minietl.flink.FlinkJobOptions;
import io.minietl.flink.JobConnections;
import io.minietl.flink.LocalFlink;
import io.minietl.ingest.cli.DatasetOption;
import io.minietl.ingest.cli.PipelineOptions;
import io.minietl.ingest.cli.RunOptions;
import io.minietl.ingest.cli.StreamOption;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.StreamMismatchException;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import io.minietl.s3.DatasetLocation;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code run}: the job, on an embedded MiniCluster ({@code java -jar}, local mode: progress and
 * final lines like the runner's, exit codes) or submitted to the cluster that runs {@code flink
 * run} (then Flink owns its life: this returns once it is submitted, or ended in attached mode).
 */
@Command(
    name = "run",
    resourceBundle = "io.minietl.flink.cli.RunCommandHelp",
    description = {
      "Run the Flink job reading every shard of --stream into --dataset: on an embedded Flink"
          + " (java -jar, local mode, loopback only) until stopped or, with --stop-when-idle,"
          + " idle; or on the cluster of `flink run`. Each checkpoint commits one manifest"
          + " version."
    })
final class RunCommand implements Callable<Integer> {
  private static volatile boolean shutdownInProgress;

  private final CommandContext context;

  @Mixin StreamOption streamOption;

  @Mixin DatasetOption dataset;

  @Mixin PipelineOptions pipeline;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "1",
      converter = Converters.PositiveInt.class,
      description = "Flink parallelism of the source and the writers (local mode: its slots).")
  @Env("MINIETL_PARALLELISM")
  int parallelism;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Converters.PositiveDuration.class,
      description =
          "Flink checkpoint interval, which is the commit interval: every writer closes its file"
              + " at each checkpoint and each completed checkpoint commits one manifest version.")
  @Env("MINIETL_CHECKPOINT_INTERVAL")
  Duration checkpointInterval;

  // --max-shard-age, --progress-interval and --stop-when-idle, as the runner's run has them; their
  // help here is RunCommandHelp's (what they mean in a Flink job).
  @Mixin RunOptions run;

  @Option(
      names = "--writer-id",
      paramLabel = "ID",
      description = "The job's writer id in the manifests. Unset: flink-<random uuid>.")
  @Env("MINIETL_WRITER_ID")
  String writerId;

  // arity 0..1: also "--reset-checkpoint true", as Managed Flink's runtime properties give a flag.
  @Option(
      names = "--reset-checkpoint",
      arity = "0..1",
      description = RunOptions.RESET_CHECKPOINT_HELP)
  @Env("MINIETL_RESET_CHECKPOINT")
  boolean resetCheckpoint;

  RunCommand(CommandContext context) {
    this.context = context;
  }

  static boolean shutdownInProgress() {
    return shutdownInProgress;
  }

  FlinkJobOptions options() {
    return FlinkJobOptions.builder()
        .initialPosition(pipeline.startPosition())
        .targetShardBytes(pipeline.targetShardSize())
        .maxShardRows(pipeline.maxShardRows())
        .compression(pipeline.compression())
        .rowsPerBatch(pipeline.batchRows())
        .recordsPerCall(pipeline.recordsPerCall())
        .callBytes(pipeline.callSize())
        .stopWhenIdle(run.stopWhenIdle())
        .writerId(writerId)
        .resetCheckpoint(resetCheckpoint)
        .build();
  }

  @Override
  public Integer call() throws Exception {
    String stream = streamOption.stream(); // first: a missing stream is the first error
    DatasetLocation location = dataset.dataset();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    boolean local = env instanceof LocalStreamEnvironment;
    if (location.isLocal() && !local) {
      // A cluster's tasks run on other machines: the dataset must be where they all reach it.
      throw new UsageException(
          "Invalid --dataset "
              + location
              + ": a local directory is for local mode (java -jar) only; on a cluster use"
              + " s3://bucket/prefix");
    }
    FlinkJobOptions options = options();
    JobConnections connections =
        JobConnections.of(stream, location.uri(), context.environment(), dataset.endpoint());
    PrintStream out = context.out();
    AwsClients aws = dataset.clients(context);
    try (KinesisClient kinesis = aws.newKinesisClient();
        LazyS3Client s3 = aws.lazyS3Client()) {
      // Bad configuration fails here, in one line, before Flink starts.
      ObjectStore store = location.open(s3);
      store.checkAccess();
      int shards = KinesisStreamProxy.create(kinesis, stream).listShards().size();
      if (local) {
        env = LocalFlink.environment(parallelism, LocalFlink.configuration());
      }
      env.setParallelism(parallelism);
      env.enableCheckpointing(checkpointInterval.toMillis());
      EtlFlinkJob.addTo(env, connections, options);
      out.printf(
          Locale.ROOT,
          "run: stream %s (%d shards) -> %s, writer %s, parallelism %d, checkpoints every %s%s%n",
          stream,
          shards,
          store.location(),
          options.writerId(),
          parallelism,
          checkpointInterval,
          local ? " (local Flink)" : "");
      if (!local) {
        env.execute("etl-flink " + stream);
        return ExitCode.OK.code();
      }
      return runLocal(env, stream, new ManifestLog(store), options.writerId(), out);
    }
  }

  private int runLocal(
      StreamExecutionEnvironment env,
      String stream,
      ManifestLog log,
      String writerId,
      PrintStream out)
      throws Exception {
    Instant started = Instant.now();
    DatasetState before = log.load();
    JobClient job = env.executeAsync("etl-flink " + stream);
    CompletableFuture<?> result = job.getJobExecutionResult();
    if (context.isProcess()) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    if (result.isDone()) {
                      return;
                    }
                    // SIGTERM/Ctrl-C: cancel. What the completed checkpoints committed stays; the
                    // rest is read again by the next run (the manifest's positions).
                    shutdownInProgress = true;
                    job.cancel();
                    out.println(finalLine(log, before, writerId, started));
                    out.flush();
                    Runtime.getRuntime().halt(ExitCode.OK.code());
                  },
                  "etl-flink-shutdown"));
    }
    DatasetState seen = before;
    while (true) {
      try {
        result.get(run.progressInterval().toMillis(), TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        seen = log.refresh(seen);
        out.println(progressLine(seen, before, started));
      } catch (ExecutionException e) {
        FencedException fenced = find(e, FencedException.class);
        if (fenced != null) {
          throw fenced;
        }
        StreamMismatchException mismatch = find(e, StreamMismatchException.class);
        if (mismatch != null) {
          throw mismatch; // the enumerator's check at start: exit 2, the runner's line
        }
        throw e;
      }
    }
    out.println(finalLine(log, before, writerId, started));
    return ExitCode.OK.code();
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String progressLine(DatasetState now, DatasetState before, Instant started) {
    double seconds = Math.max(1e-3, Duration.between(started, Instant.now()).toMillis() / 1000.0);
    long rows = now.totalRows() - before.totalRows();
    long errors = now.totalErrorRecords() - before.totalErrorRecords();
    FeatureStats wc = now.stats("word_count");
    return String.format(
        Locale.ROOT,
        "progress: %.0f committed rec/s | records %d, errors %d committed | avg word_count %s"
            + " | manifest v%d",
        (rows + errors) / seconds,
        rows + errors,
        errors,
        wc.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", wc.mean()),
        now.version());
  }

  /**
   * The runner's final line, from the manifest: what this job committed since it started (its
   * writer id's versions), and the dataset's word count.
   */
  static String finalLine(ManifestLog log, DatasetState before, String writerId, Instant started) {
    DatasetState latest = log.refresh(before);
    long rows = 0;
    long errors = 0;
    long commits = 0;
    for (long v = before.version() + 1; v <= latest.version(); v++) {
      Manifest m = log.read(v).orElseThrow();
      if (writerId.equals(m.writerId())) {
        commits++;
        rows += m.addedShards().stream().mapToLong(s -> s.rows()).sum();
        errors += m.addedErrorFiles().stream().mapToLong(f -> f.records()).sum();
      }
    }
    double seconds = Math.max(1e-3, Duration.between(started, Instant.now()).toMillis() / 1000.0);
    FeatureStats wc = latest.stats("word_count");
    return String.format(
        Locale.ROOT,
        "final: records %d (rows %d, errors %d) in %.1f s, %.0f rec/s | commits %d | manifest v%d"
            + " | dataset word_count: count %d, avg %s",
        rows + errors,
        rows,
        errors,
        seconds,
        (rows + errors) / seconds,
        commits,
        latest.version(),
        wc.count(),
        wc.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.4f", wc.mean()));
  }
}
