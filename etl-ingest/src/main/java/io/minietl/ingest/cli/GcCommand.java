package io.minietl.ingest.cli;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import io.minietl.ingest.DatasetMaintenance;
import io.minietl.kinesis.aws.LazyS3Client;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gc}: deletes shard and error files no manifest lists, older than the grace period. */
@Command(
    name = "gc",
    description =
        "Delete shard and error files that no manifest lists (left by crashes or fenced runners),"
            + " older than --grace.")
final class GcCommand implements Callable<Integer> {
  private final CommandContext context;

  @Mixin DatasetOption dataset;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      defaultValue = "1h",
      converter = Converters.Duration.class,
      description = "Only delete unlisted objects older than this.")
  @Env("MINIETL_GC_GRACE")
  Duration grace;

  @Option(names = "--dry-run", description = "List what would be deleted, delete nothing.")
  boolean dryRun;

  GcCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintStream out = context.out();
    try (LazyS3Client s3 = dataset.s3(context)) {
      ObjectStore store = dataset.open(s3);
      List<ObjectInfo> garbage;
      try {
        garbage =
            DatasetMaintenance.collectGarbage(store, grace, minimumGrace(), Instant.now(), dryRun);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage(), e); // a grace below the floor, not a dataset
      }
      for (ObjectInfo o : garbage) {
        out.println(
            (dryRun ? "would delete " : "deleted ") + o.key() + " (" + o.size() + " bytes)");
      }
      out.printf(
          Locale.ROOT,
          "gc: %d unlisted object(s) older than %s %s%n",
          garbage.size(),
          format(grace),
          dryRun ? "found (dry run)" : "deleted");
      return ExitCode.OK.code();
    }
  }

  /**
   * The floor of {@code --grace}: {@link DatasetMaintenance#MINIMUM_GRACE}, lowered only by the
   * test-only variable {@value #TESTING_MINIMUM_GRACE} (the process tests need uploads to be
   * garbage at once; no flag offers that to users).
   */
  private Duration minimumGrace() {
    String testing = context.variable(TESTING_MINIMUM_GRACE);
    return testing == null
        ? DatasetMaintenance.MINIMUM_GRACE
        : new Converters.Duration().convert(testing);
  }

  static final String TESTING_MINIMUM_GRACE = "MINIETL_TESTING_GC_MINIMUM_GRACE";

  /** 1h, 30s, 500ms: how a user would have typed it. */
  static String format(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
