package io.minietl.examples;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.UsageException;
import io.minietl.ingest.cli.DatasetLocationConverter;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import io.minietl.reader.Batch;
import io.minietl.reader.BatchIterator;
import io.minietl.reader.DatasetOptions;
import io.minietl.reader.Position;
import io.minietl.reader.ReadSpec;
import io.minietl.reader.TrainingDataset;
import io.minietl.s3.DatasetLocation;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A trainer loop, as trainer code would write it with training-reader's public API: open the
 * dataset etl-ingest wrote, run {@code --epochs} epochs on {@code --world-size} simulated ranks
 * (one after the other, in this process), and on rank 0 of the first epoch stop halfway, keep the
 * saved {@link Position} (what a model checkpoint stores) and resume from it, as a restarted
 * trainer would. Prints batches/s per rank and epoch, and fails when the ranks of an epoch did not
 * see every row exactly once.
 *
 * <pre>
 * java -jar examples/target/examples.jar train --dataset s3://my-bucket/articles \
 *     [--epochs 2] [--world-size 2] [--batch-size 32] [--seed 42]
 * </pre>
 *
 * Endpoint, region and credentials come from the standard AWS environment.
 */
@Command(
    name = "train",
    description = {
      "A trainer loop with training-reader: epochs x simulated ranks, a stop halfway and a resume"
          + " from the saved position, batches/s; fails unless every row is seen once per epoch."
    },
    footer = {
      "",
      "For S3, endpoint, region and credentials come from the standard AWS environment"
          + " (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...)."
    })
final class TrainCommand implements Callable<Integer> {
  private final CommandContext context;

  @Option(
      names = "--dataset",
      paramLabel = "s3://BUCKET/PREFIX|DIR",
      converter = DatasetLocationConverter.class,
      description =
          "Dataset root: s3://bucket/prefix, or file:///path or a path for a local directory.")
  @Env("MINIETL_DATASET")
  DatasetLocation dataset;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "2",
      converter = Converters.PositiveInt.class,
      description = "Epochs to run.")
  int epochs;

  @Option(
      names = "--world-size",
      paramLabel = "N",
      defaultValue = "2",
      converter = Converters.PositiveInt.class,
      description = "Simulated ranks (run one after the other in this process).")
  int worldSize;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "32",
      converter = Converters.PositiveInt.class,
      description = "Rows per batch.")
  int batchSize;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the shuffle.")
  long seed;

  TrainCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (dataset == null) {
      throw new UsageException("Missing --dataset (or MINIETL_DATASET)");
    }
    return run(context.environment(), context.out());
  }

  int run(Map<String, String> env, PrintStream out) {
    try (LazyS3Client s3 = AwsClients.builder().environment(env).build().lazyS3Client();
        TrainingDataset ds = TrainingDataset.open(dataset.open(s3), DatasetOptions.defaults())) {
      out.printf(
          Locale.ROOT,
          "dataset %s, version %d: %d rows in %d shard(s); %d epoch(s) x %d rank(s), batch %d%n",
          ds.location(),
          ds.version(),
          ds.totalRows(),
          ds.shardCount(),
          epochs,
          worldSize,
          batchSize);
      for (int epoch = 0; epoch < epochs; epoch++) {
        long rowsThisEpoch = 0;
        for (int rank = 0; rank < worldSize; rank++) {
          ReadSpec spec =
              ReadSpec.builder()
                  .batchSize(batchSize)
                  .columns("article_id", "word_count")
                  .shuffle(seed)
                  .epoch(epoch)
                  .rank(rank)
                  .worldSize(worldSize)
                  .build();
          boolean interrupt = epoch == 0 && rank == 0;
          Tally tally = new Tally();
          long started = System.nanoTime();
          String saved = null;
          try (BatchIterator it = ds.batches(spec)) {
            int stopAt = interrupt ? Math.max(1, it.batchCount() / 2) : Integer.MAX_VALUE;
            while (it.hasNext() && tally.batches < stopAt) {
              tally.add(it.next());
            }
            if (interrupt && it.hasNext()) {
              saved = it.position().toString(); // what a model checkpoint would store
            }
          }
          if (saved != null) {
            out.printf(
                Locale.ROOT,
                "  rank 0 stopped after %d batches, saved position %s; resuming from it%n",
                tally.batches,
                saved);
            try (BatchIterator it = ds.batches(spec, Position.parse(saved))) {
              while (it.hasNext()) {
                tally.add(it.next());
              }
            }
          }
          double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
          out.printf(
              Locale.ROOT,
              "  epoch %d rank %d: %d batches (%d rows, %d padding) in %.3f s = %.0f batches/s%n",
              epoch,
              rank,
              tally.batches,
              tally.rows,
              tally.padding,
              seconds,
              tally.batches / seconds);
          rowsThisEpoch += tally.rows;
        }
        if (rowsThisEpoch != ds.totalRows()) {
          throw new IllegalStateException(
              "Epoch "
                  + epoch
                  + " yielded "
                  + rowsThisEpoch
                  + " rows across the ranks; the dataset has "
                  + ds.totalRows());
        }
        out.printf(
            Locale.ROOT,
            "epoch %d: every one of the %d rows seen exactly once across %d rank(s)%n",
            epoch,
            rowsThisEpoch,
            worldSize);
      }
      return 0;
    }
  }

  /** Counts what a rank saw; a trainer would run a step per batch here. */
  private static final class Tally {
    int batches;
    long rows;
    long padding;

    void add(Batch b) {
      batches++;
      rows += b.size() - b.paddingCount();
      padding += b.paddingCount();
    }
  }
}
