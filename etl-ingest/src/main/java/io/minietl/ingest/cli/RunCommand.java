package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.storage.ObjectStore;
import io.minietl.ingest.FencedException;
import io.minietl.ingest.IngestOptions;
import io.minietl.ingest.IngestRunner;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
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

  @Option(names = "--stream", paramLabel = "NAME", description = "Kinesis stream name.")
  @Env("MINIETL_STREAM")
  String stream;

  @Mixin DatasetOption dataset;

  @Option(
      names = "--start-position",
      paramLabel = "POSITION",
      defaultValue = "TRIM_HORIZON",
      converter = StartPositionConverter.class,
      description =
          "Where a shard without checkpoint starts: TRIM_HORIZON, LATEST or"
              + " AT_TIMESTAMP=<ISO-8601>.")
  @Env("MINIETL_START_POSITION")
  StartPosition startPosition;

  @Option(
      names = "--target-shard-size",
      paramLabel = "SIZE",
      defaultValue = "64MiB",
      converter = Converters.Size.class,
      description = "Roll (commit) the Arrow shard at about this size.")
  @Env("MINIETL_TARGET_SHARD_SIZE")
  long targetShardSize;

  @Option(
      names = "--max-shard-rows",
      paramLabel = "ROWS",
      defaultValue = "1000000",
      converter = Converters.PositiveLong.class,
      description = "Roll the Arrow shard at this many rows.")
  @Env("MINIETL_MAX_SHARD_ROWS")
  long maxShardRows;

  @Option(
      names = "--max-shard-age",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = Converters.Duration.class,
      description = "Commit at least this often while records arrive (bounds the latency to S3).")
  @Env("MINIETL_MAX_SHARD_AGE")
  Duration maxShardAge;

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      defaultValue = "zstd",
      converter = CompressionConverter.class,
      description = "Arrow body compression: zstd, lz4 or none.")
  @Env("MINIETL_COMPRESSION")
  ShardCompression compression;

  @Option(
      names = "--batch-rows",
      paramLabel = "ROWS",
      defaultValue = "2048",
      converter = Converters.PositiveInt.class,
      description = "Rows per Arrow record batch (also capped at 4 MiB).")
  @Env("MINIETL_BATCH_ROWS")
  int batchRows;

  @Option(
      names = "--buffer-size",
      paramLabel = "SIZE",
      defaultValue = "64MiB",
      converter = Converters.Size.class,
      description =
          "Memory budget of fetched, unprocessed records; reading pauses when it is full.")
  @Env("MINIETL_BUFFER_SIZE")
  long bufferSize;

  @Option(
      names = "--records-per-call",
      paramLabel = "N",
      defaultValue = "10000",
      converter = RecordsPerCall.class,
      description = "Largest GetRecords Limit (1..10000).")
  @Env("MINIETL_RECORDS_PER_CALL")
  int recordsPerCall;

  @Option(
      names = "--call-size",
      paramLabel = "SIZE",
      defaultValue = "8MiB",
      converter = Converters.Size.class,
      description =
          "Target bytes per GetRecords page: each call's Limit is this over the shard's last"
              + " average record size (at most --records-per-call). Bounds the heap a page needs"
              + " and lets processing overlap reading where a page could hold a whole shard"
              + " (emulators).")
  @Env("MINIETL_CALL_SIZE")
  long callSize;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Converters.PositiveDuration.class,
      description = "Time between progress lines.")
  @Env("MINIETL_PROGRESS_INTERVAL")
  Duration progressInterval;

  @Option(
      names = "--stop-when-idle",
      paramLabel = "DURATION",
      converter = Converters.PositiveDuration.class,
      description =
          "Exit once every open shard is caught up with no new record for this long. Unset: run"
              + " until SIGTERM/Ctrl-C.")
  @Env("MINIETL_STOP_WHEN_IDLE")
  Duration stopWhenIdle;

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
            .initialPosition(startPosition)
            .targetShardBytes(targetShardSize)
            .maxShardRows(maxShardRows)
            .maxShardAge(maxShardAge)
            .compression(compression)
            .rowsPerBatch(batchRows)
            .bufferBytes(bufferSize)
            .recordsPerCall(recordsPerCall)
            .callBytes(callSize)
            .progressInterval(progressInterval);
    if (stopWhenIdle != null) {
      b.stopWhenIdle(stopWhenIdle);
    }
    return b.build();
  }

  @Override
  public Integer call() {
    if (stream == null) {
      throw new UsageException("Missing --stream (or MINIETL_STREAM)");
    }
    IngestOptions options = options();
    AwsClients aws = dataset.clients(context);
    PrintStream out = context.out();
    try (KinesisClient kinesis = aws.newKinesisClient();
        LazyS3Client s3 = aws.lazyS3Client()) {
      KinesisStreamProxy proxy = KinesisStreamProxy.create(kinesis, stream);
      ObjectStore store = dataset.dataset().open(s3);
      store.checkAccess();
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
      out.printf(
          Locale.ROOT,
          "run: stream %s (%d shards) -> %s, writer %s%n",
          stream,
          shards,
          store.location(),
          options.writerId());
      IngestRunner runner = IngestRunner.create(proxy, store, options, out::println);
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
        exit[0] = e instanceof FencedException ? ExitCode.FENCED.code() : ExitCode.FAILED.code();
        throw e;
      } finally {
        done.countDown();
      }
      return ExitCode.OK.code();
    }
  }

  /** TRIM_HORIZON, LATEST or AT_TIMESTAMP=&lt;ISO-8601 instant&gt;, case-insensitive. */
  public static final class StartPositionConverter implements ITypeConverter<StartPosition> {
    private static final String FORM = "expected TRIM_HORIZON, LATEST or AT_TIMESTAMP=<ISO-8601>";

    @Override
    public StartPosition convert(String value) {
      String v = value.trim();
      String upper = v.toUpperCase(Locale.ROOT);
      if (upper.equals("TRIM_HORIZON")) {
        return StartPosition.trimHorizon();
      }
      if (upper.equals("LATEST")) {
        return StartPosition.latest();
      }
      if (upper.startsWith("AT_TIMESTAMP=")) {
        try {
          return StartPosition.atTimestamp(
              Instant.parse(v.substring("AT_TIMESTAMP=".length()).trim()));
        } catch (DateTimeParseException e) {
          throw new TypeConversionException(
              "expected an ISO-8601 instant like AT_TIMESTAMP=2026-11-28T10:00:00Z");
        }
      }
      throw new TypeConversionException(FORM);
    }
  }

  /** zstd, lz4 (or lz4_frame) or none, case-insensitive. */
  public static final class CompressionConverter implements ITypeConverter<ShardCompression> {
    @Override
    public ShardCompression convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "zstd" -> ShardCompression.ZSTD;
        case "lz4", "lz4_frame" -> ShardCompression.LZ4_FRAME;
        case "none" -> ShardCompression.NONE;
        default -> throw new TypeConversionException("expected zstd, lz4 or none");
      };
    }
  }

  /** 1..10000, the GetRecords Limit range. */
  public static final class RecordsPerCall implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      int n;
      try {
        n = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        n = 0;
      }
      if (n < 1 || n > 10_000) {
        throw new TypeConversionException("expected a whole number from 1 to 10000");
      }
      return n;
    }
  }
}
