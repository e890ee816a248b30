package io.minietl.flink.cli;

import java.util.ListResourceBundle;

/**
 * The help of {@code run}'s options that etl-flink shares with the runner ({@link
 * io.minietl.ingest.cli.RunOptions}) but that mean something else in a Flink job, keyed by their
 * {@code descriptionKey}. picocli shows these instead of the runner's descriptions.
 *
 * <p>Public only because {@link java.util.ResourceBundle} loads it by name.
 */
public final class RunCommandHelp extends ListResourceBundle {
  @Override
  protected Object[][] getContents() {
    return new Object[][] {
      {
        "max-shard-age",
        "Accepted for the runner's sake and means nothing more here: --checkpoint-interval"
            + " already closes every file that often."
      },
      {"progress-interval", "Time between progress lines (local mode)."},
      {
        "stop-when-idle",
        "End the job (bounded mode) once every open shard is caught up with no new record for"
            + " this long, after a final commit. Unset: run until cancelled (SIGTERM/Ctrl-C in"
            + " local mode)."
      },
    };
  }
}
