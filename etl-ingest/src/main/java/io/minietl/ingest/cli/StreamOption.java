package io.minietl.ingest.cli;

import io.minietl.cli.Env;
import io.minietl.cli.UsageException;
import picocli.CommandLine.Option;

/** {@code --stream}, the stream etl-ingest's {@code run} and etl-flink's {@code run} read. */
public final class StreamOption {
  @Option(names = "--stream", paramLabel = "NAME", description = "Kinesis stream name.")
  @Env("MINIETL_STREAM")
  String stream;

  /**
   * The stream's name.
   *
   * @throws UsageException when neither the flag nor the variable gives one
   */
  public String stream() {
    if (stream == null) {
      throw new UsageException("Missing --stream (or MINIETL_STREAM)");
    }
    return stream;
  }
}
