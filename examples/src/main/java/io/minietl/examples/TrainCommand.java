package io.minietl.examples;

import io.minietl.kinesis.aws.AwsClients;
import io.minietl.reader.Batch;
import io.minietl.reader.BatchIterator;
import io.minietl.reader.DatasetOptions;
import io.minietl.reader.Position;
import io.minietl.reader.ReadSpec;
import io.minietl.reader.TrainingDataset;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

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
final class TrainCommand {
  private final URI dataset;
  private final int epochs;
  private final int worldSize;
  private final int batchSize;
  private final long seed;

  private TrainCommand(URI dataset, int epochs, int worldSize, int batchSize, long seed) {
    this.dataset = dataset;
    this.epochs = epochs;
    this.worldSize = worldSize;
    this.batchSize = batchSize;
    this.seed = seed;
  }

  static TrainCommand parse(List<String> args, Map<String, String> env) {
    String dataset = env.get("MINIETL_DATASET");
    int epochs = 2;
    int worldSize = 2;
    int batchSize = 32;
    long seed = 42;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--verbose")) {
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new ProduceCommand.UsageError("Option " + flag + " needs a value");
      }
      String value = args.get(++i);
      try {
        switch (flag) {
          case "--dataset" -> dataset = value;
          case "--epochs" -> epochs = positive(flag, Integer.parseInt(value));
          case "--world-size" -> worldSize = positive(flag, Integer.parseInt(value));
          case "--batch-size" -> batchSize = positive(flag, Integer.parseInt(value));
          case "--seed" -> seed = Long.parseLong(value);
          default -> throw new ProduceCommand.UsageError("Unknown option: " + flag);
        }
      } catch (NumberFormatException e) {
        throw new ProduceCommand.UsageError(
            "Invalid " + flag + " '" + value + "': expected a number");
      }
    }
    if (dataset == null || !dataset.startsWith("s3://")) {
      throw new ProduceCommand.UsageError(
          "Missing or invalid --dataset (or MINIETL_DATASET): expected s3://bucket/prefix");
    }
    return new TrainCommand(URI.create(dataset), epochs, worldSize, batchSize, seed);
  }

  private static int positive(String flag, int n) {
    if (n < 1) {
      throw new ProduceCommand.UsageError("Invalid " + flag + " " + n + ": must be at least 1");
    }
    return n;
  }

  int run(Map<String, String> env, PrintStream out) {
    try (S3Client s3 = AwsClients.builder().environment(env).build().newS3Client();
        TrainingDataset ds = TrainingDataset.open(dataset, s3, DatasetOptions.defaults())) {
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
