package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import io.minietl.core.storage.ObjectStore;
import io.minietl.ingest.export.ParquetExport;
import io.minietl.kinesis.aws.LazyS3Client;
import io.minietl.s3.DatasetLocation;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code export}: a committed version of the dataset (or the shards added after a version) as
 * Parquet, partitioned by day, for Athena, Spark, Glue or DuckDB. See {@link ParquetExport}.
 */
@Command(
    name = "export",
    description = {
      "Write a committed version of --dataset (by default the latest; with --since only the"
          + " shards added after that version) as Parquet under --output, one file per shard in"
          + " dt=YYYY-MM-DD/ folders, same columns and types. Resumable and idempotent: files"
          + " already there are kept; _minietl_export.json records what was exported."
    })
final class ExportCommand implements Callable<Integer> {
  private final CommandContext context;

  @Mixin DatasetOption dataset;

  @Option(
      names = "--output",
      paramLabel = "s3://BUCKET/PREFIX|DIR",
      converter = DatasetLocationConverter.class,
      description = "Where the Parquet files go: s3://bucket/prefix, file:///path or a path.")
  @Env("MINIETL_EXPORT_OUTPUT")
  DatasetLocation output;

  @Option(
      names = "--manifest-version",
      paramLabel = "N",
      converter = Converters.PositiveLong.class,
      description = "The manifest version to export. Unset: the latest.")
  Long manifestVersion;

  @Option(
      names = "--since",
      paramLabel = "N",
      converter = Converters.PositiveLong.class,
      description = "Only the shards added after manifest version N. Unset: all.")
  Long since;

  ExportCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (output == null) {
      throw new UsageException("Missing --output (or MINIETL_EXPORT_OUTPUT)");
    }
    try (LazyS3Client s3 = dataset.s3(context)) {
      ObjectStore source = dataset.open(s3);
      ObjectStore target = output.open(s3);
      target.checkAccess();
      ParquetExport.Result r;
      try {
        r =
            ParquetExport.builder()
                .source(source)
                .target(target)
                .version(manifestVersion == null ? 0 : manifestVersion)
                .since(since == null ? 0 : since)
                .progress(context.out()::println)
                .build()
                .run();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage()); // a version that does not exist, an empty dataset
      }
      context
          .out()
          .printf(
              Locale.ROOT,
              "export: %d shard(s) of version %d written (%d rows), %d already there -> %s%n",
              r.exported(),
              r.version(),
              r.rows(),
              r.skipped(),
              target.location());
      return ExitCode.OK.code();
    }
  }
}
