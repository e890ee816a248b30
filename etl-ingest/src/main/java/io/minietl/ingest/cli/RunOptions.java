package io.minietl.ingest.cli;

import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options etl-ingest's {@code run} and etl-flink's {@code run} share beyond {@link
 * PipelineOptions}: how often a commit is due, how often a progress line is printed, and when a
 * bounded run ends. Names, variables, defaults and checks are declared here once.
 *
 * <p>The descriptions are the runner's. A command where an option means something else (in
 * etl-flink, {@code --max-shard-age} is accepted but the checkpoint interval is the commit
 * interval) gives its own text in the resource bundle of its {@code @Command}, under the option's
 * {@code descriptionKey} (the flag without its dashes): picocli shows the bundle's text where there
 * is one.
 */
public final class RunOptions {
  /**
   * The help of {@code --reset-checkpoint}, which each {@code run} declares itself: the runner's is
   * a plain flag, the Flink job's also takes a value ({@code --reset-checkpoint true}, as Managed
   * Flink's runtime properties give it), and picocli's help shows the two differently.
   */
  public static final String RESET_CHECKPOINT_HELP =
      "Continue a dataset whose checkpoint belongs to another stream (or to this one before it"
          + " was deleted and created again): read this stream's shards afresh, keep the data.";

  @Option(
      names = "--max-shard-age",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = Converters.Duration.class,
      descriptionKey = "max-shard-age",
      description = "Commit at least this often while records arrive (bounds the latency to S3).")
  @Env("MINIETL_MAX_SHARD_AGE")
  private Duration maxShardAge;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Converters.PositiveDuration.class,
      descriptionKey = "progress-interval",
      description = "Time between progress lines.")
  @Env("MINIETL_PROGRESS_INTERVAL")
  private Duration progressInterval;

  @Option(
      names = "--stop-when-idle",
      paramLabel = "DURATION",
      converter = Converters.PositiveDuration.class,
      descriptionKey = "stop-when-idle",
      description =
          "Exit once every open shard is caught up with no new record for this long. Unset: run"
              + " until SIGTERM/Ctrl-C.")
  @Env("MINIETL_STOP_WHEN_IDLE")
  private Duration stopWhenIdle;

  public Duration maxShardAge() {
    return maxShardAge;
  }

  public Duration progressInterval() {
    return progressInterval;
  }

  /**
   * How long a caught-up run waits for a new record before it ends; null: it runs until stopped.
   */
  public Duration stopWhenIdle() {
    return stopWhenIdle;
  }
}
