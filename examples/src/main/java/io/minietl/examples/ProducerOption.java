package io.minietl.examples;

/**
 * The options of {@code produce}, with their environment variables (for Docker Compose) and
 * defaults. A flag wins over its environment variable, which wins over the default.
 */
enum ProducerOption {
  STREAM("--stream", "MINIETL_STREAM", "MyStream", "Kinesis stream to put the articles into."),
  RECORDS(
      "--records",
      "NUM_RECORDS",
      "1000",
      "Articles per iteration (ignored with --size-mb or --replay)."),
  SIZE_MB(
      "--size-mb",
      "DATASET_SIZE_MB",
      null,
      "Instead of --records: put articles until this many MB per iteration."),
  ITERATIONS("--iterations", "NUM_ITERATIONS", "1", "How many times to produce the set."),
  PAUSE("--pause", "ITERATION_PAUSE", "10s", "Pause between iterations (e.g. 500ms, 10s, 1m)."),
  MALFORMED_SHARE(
      "--malformed-share",
      "MALFORMED_SHARE",
      "0",
      "Share of deliberately malformed records (0..1), to show the runner's error output."),
  SEED("--seed", "PRODUCER_SEED", "42", "Seed of the generator: same seed, same articles."),
  REPLAY(
      "--replay",
      "REPLAY_FILE",
      null,
      "Put the lines of this JSON-lines file (one article per line) instead of fake articles."),
  ENDPOINT(
      "--endpoint",
      "AWS_ENDPOINT_URL",
      null,
      "Kinesis endpoint (LocalStack, emulators); AWS_ENDPOINT_URL_KINESIS also works. Unset: AWS.");

  private final String flag;
  private final String env;
  private final String defaultValue;
  private final String description;

  ProducerOption(String flag, String env, String defaultValue, String description) {
    this.flag = flag;
    this.env = env;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  String flag() {
    return flag;
  }

  String env() {
    return env;
  }

  String defaultValue() {
    return defaultValue;
  }

  String description() {
    return description;
  }

  static ProducerOption byFlag(String flag) {
    for (ProducerOption o : values()) {
      if (o.flag.equals(flag)) {
        return o;
      }
    }
    return null;
  }
}
