package io.minietl.examples;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.core.storage.ObjectStore;
import io.minietl.ingest.cli.DatasetLocationOption;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import io.minietl.reader.Batch;
import io.minietl.reader.BatchIterator;
import io.minietl.reader.DatasetOptions;
import io.minietl.reader.Position;
import io.minietl.reader.ReadSpec;
import io.minietl.reader.TrainingDataset;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A trainer loop, as trainer code would write it with training-reader's public API: open the
 * dataset etl-ingest wrote, run {@code --epochs} epochs on {@code --world-size} simulated ranks
 * (one after the other, in this process), and on rank 0 of the first epoch stop halfway, keep the
 * saved {@link Position} (what a model checkpoint stores) and resume from it, as a restarted
 * trainer would. Each rank opens the dataset itself with a pin of {@code --run-id} (or {@code
 * MINIETL_RUN_ID}; default a new id), so the ranks of an epoch plan one version even when a commit
 * lands between their opens (the pins are written under {@code _pins/} in the dataset). Prints
 * batches/s per rank and epoch, and fails when the ranks of an epoch did not see every row exactly
 * once.
 *
 * <pre>
 * java -jar examples/target/examples.jar train --dataset s3://my-bucket/articles \
 *     [--epochs 2] [--world-size 2] [--batch-size 32] [--seed 42] [--run-id ID]
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
    footer = {"", Main.S3_ENVIRONMENT_FOOTER})
final class TrainCommand implements Callable<Integer> {
  private final CommandContext context;

  @Mixin DatasetLocationOption dataset;

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

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "The run whose ranks agree on each epoch's version through pin objects"
              + " (_pins/ID/epoch-N.json in the dataset; default: a new id per invocation).")
  @Env("MINIETL_RUN_ID")
  String runId;

  TrainCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    dataset.dataset(); // a missing --dataset is a usage error before anything else
    return run(context.environment(), context.out());
  }

  int run(Map<String, String> env, PrintStream out) {
    String run = runId != null ? runId : "train-" + UUID.randomUUID();
    try (LazyS3Client s3 = AwsClients.builder().environment(env).build().lazyS3Client()) {
      ObjectStore store = dataset.dataset().open(s3);
      try (TrainingDataset ds = TrainingDataset.open(store, DatasetOptions.defaults())) {
        out.printf(
            Locale.ROOT,
            "dataset %s, version %d: %d rows in %d shard(s); %d epoch(s) x %d rank(s), batch %d;"
                + " run %s%n",
            ds.location(),
            ds.version(),
            ds.totalRows(),
            ds.shardCount(),
            epochs,
            worldSize,
            batchSize,
            run);
      }
      for (int epoch = 0; epoch < epochs; epoch++) {
        long rowsThisEpoch = 0;
        long version = -1;
        long rows = -1;
        for (int rank = 0; rank < worldSize; rank++) {
          // Each rank opens the dataset itself, as the ranks of a real job do: the pin object
          // makes them plan one version even when a commit lands between their opens.
          try (TrainingDataset ds =
              TrainingDataset.open(store, DatasetOptions.builder().pin(run, epoch).build())) {
            if (version < 0) {
              version = ds.version();
              rows = ds.totalRows();
            } else if (ds.version() != version) {
              throw new IllegalStateException(
                  String.format(
                      Locale.ROOT,
                      "Epoch %d: rank %d planned version %d, rank 0 version %d",
                      epoch,
                      rank,
                      ds.version(),
                      version));
            }
            rowsThisEpoch += rank(ds, epoch, rank, version, out);
          }
        }
        if (rowsThisEpoch != rows) {
          throw new IllegalStateException(
              "Epoch "
                  + epoch
                  + " yielded "
                  + rowsThisEpoch
                  + " rows across the ranks; version "
                  + version
                  + " has "
                  + rows);
        }
        out.printf(
            Locale.ROOT,
            "epoch %d: every one of the %d rows of version %d seen exactly once across %d"
                + " rank(s)%n",
            epoch,
            rowsThisEpoch,
            version,
            worldSize);
      }
      return 0;
    }
  }

  /** One rank's epoch (rank 0 of epoch 0 stops halfway and resumes); returns its real rows. */
  private long rank(TrainingDataset ds, int epoch, int rank, long version, PrintStream out) {
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
        "  epoch %d rank %d (version %d): %d batches (%d rows, %d padding) in %.3f s = %.0f"
            + " batches/s%n",
        epoch,
        rank,
        version,
        tally.batches,
        tally.rows,
        tally.padding,
        seconds,
        tally.batches / seconds);
    return tally.rows;
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
