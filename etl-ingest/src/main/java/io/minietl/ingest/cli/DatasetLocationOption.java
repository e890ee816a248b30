package io.minietl.ingest.cli;

import io.minietl.cli.Env;
import io.minietl.cli.UsageException;
import io.minietl.s3.DatasetLocation;
import picocli.CommandLine.Option;

/**
 * {@code --dataset} ({@code MINIETL_DATASET}) on its own, a picocli mixin: {@link DatasetOption}
 * adds {@code --endpoint} to it for the etl-ingest and etl-flink commands; a command that reaches
 * S3 only through the standard AWS environment (the examples' {@code train}) declares this one.
 */
public final class DatasetLocationOption {
  @Option(
      names = "--dataset",
      paramLabel = "s3://BUCKET/PREFIX|DIR",
      converter = DatasetLocationConverter.class,
      description =
          "Dataset root: s3://bucket/prefix, or file:///path or a path for a local directory.")
  @Env("MINIETL_DATASET")
  DatasetLocation dataset;

  /** The dataset root; a usage error when neither the flag nor the variable gives one. */
  public DatasetLocation dataset() {
    if (dataset == null) {
      throw new UsageException("Missing --dataset (or MINIETL_DATASET)");
    }
    return dataset;
  }
}
