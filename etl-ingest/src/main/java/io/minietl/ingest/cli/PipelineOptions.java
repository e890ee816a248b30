package io.minietl.ingest.cli;

import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.core.format.ShardCompression;
import io.minietl.kinesis.StartPosition;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options the runner's {@code run} and the Flink job's {@code run} share, declared once as a
 * picocli mixin so that both keep the same names, variables, defaults and checks: where a shard
 * without checkpoint starts, when an Arrow file rolls, its format, and GetRecords page sizing.
 */
public final class PipelineOptions {
  @Option(
      names = "--start-position",
      paramLabel = "POSITION",
      defaultValue = "TRIM_HORIZON",
      converter = StartPositionConverter.class,
      description =
          "Where a shard without checkpoint starts: TRIM_HORIZON, LATEST or"
              + " AT_TIMESTAMP=<ISO-8601>.")
  @Env("MINIETL_START_POSITION")
  private StartPosition startPosition;

  @Option(
      names = "--target-shard-size",
      paramLabel = "SIZE",
      defaultValue = "64MiB",
      converter = Converters.Size.class,
      description = "Roll the Arrow shard at about this size (the runner commits it then).")
  @Env("MINIETL_TARGET_SHARD_SIZE")
  private long targetShardSize;

  @Option(
      names = "--max-shard-rows",
      paramLabel = "ROWS",
      defaultValue = "1000000",
      converter = Converters.PositiveLong.class,
      description = "Roll the Arrow shard at this many rows.")
  @Env("MINIETL_MAX_SHARD_ROWS")
  private long maxShardRows;

  @Option(
      names = "--compression",
      paramLabel = "CODEC",
      defaultValue = "zstd",
      converter = CompressionConverter.class,
      description = "Arrow body compression: zstd, lz4 or none.")
  @Env("MINIETL_COMPRESSION")
  private ShardCompression compression;

  @Option(
      names = "--batch-rows",
      paramLabel = "ROWS",
      defaultValue = "2048",
      converter = Converters.PositiveInt.class,
      description = "Rows per Arrow record batch (also capped at 4 MiB).")
  @Env("MINIETL_BATCH_ROWS")
  private int batchRows;

  @Option(
      names = "--records-per-call",
      paramLabel = "N",
      defaultValue = "10000",
      converter = RecordsPerCall.class,
      description = "Largest GetRecords Limit (1..10000).")
  @Env("MINIETL_RECORDS_PER_CALL")
  private int recordsPerCall;

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
  private long callSize;

  public StartPosition startPosition() {
    return startPosition;
  }

  public long targetShardSize() {
    return targetShardSize;
  }

  public long maxShardRows() {
    return maxShardRows;
  }

  public ShardCompression compression() {
    return compression;
  }

  public int batchRows() {
    return batchRows;
  }

  public int recordsPerCall() {
    return recordsPerCall;
  }

  public long callSize() {
    return callSize;
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
