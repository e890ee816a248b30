package io.minietl.ingest.cli;

/**
 * Every command-line option, with its environment variable, default and description: the one place
 * the CLI, its {@code --help} and the README's configuration table come from. A flag wins over its
 * environment variable (for Docker Compose), which wins over the default.
 */
enum CliOption {
  STREAM("--stream", "MINIETL_STREAM", null, "Kinesis stream name (run)."),
  DATASET("--dataset", "MINIETL_DATASET", null, "Dataset root, s3://bucket/prefix."),
  ENDPOINT(
      "--endpoint",
      "AWS_ENDPOINT_URL",
      null,
      "Endpoint for Kinesis and S3 (LocalStack, emulators). AWS_ENDPOINT_URL_KINESIS and"
          + " AWS_ENDPOINT_URL_S3 override it per service. Unset: AWS."),
  START_POSITION(
      "--start-position",
      "MINIETL_START_POSITION",
      "TRIM_HORIZON",
      "Where a shard without checkpoint starts: TRIM_HORIZON, LATEST or AT_TIMESTAMP=<ISO-8601>."),
  TARGET_SHARD_SIZE(
      "--target-shard-size",
      "MINIETL_TARGET_SHARD_SIZE",
      "64MiB",
      "Roll (commit) the Arrow shard at about this size."),
  MAX_SHARD_ROWS(
      "--max-shard-rows",
      "MINIETL_MAX_SHARD_ROWS",
      "1000000",
      "Roll the Arrow shard at this many rows."),
  MAX_SHARD_AGE(
      "--max-shard-age",
      "MINIETL_MAX_SHARD_AGE",
      "60s",
      "Commit at least this often while records arrive (bounds the latency to S3)."),
  COMPRESSION(
      "--compression", "MINIETL_COMPRESSION", "zstd", "Arrow body compression: zstd, lz4 or none."),
  BATCH_ROWS(
      "--batch-rows",
      "MINIETL_BATCH_ROWS",
      "2048",
      "Rows per Arrow record batch (also capped at 4 MiB)."),
  BUFFER_SIZE(
      "--buffer-size",
      "MINIETL_BUFFER_SIZE",
      "64MiB",
      "Memory budget of fetched, unprocessed records; reading pauses when it is full."),
  RECORDS_PER_CALL(
      "--records-per-call",
      "MINIETL_RECORDS_PER_CALL",
      "10000",
      "Largest GetRecords Limit (1..10000)."),
  CALL_SIZE(
      "--call-size",
      "MINIETL_CALL_SIZE",
      "8MiB",
      "Target bytes per GetRecords page: each call's Limit is this over the shard's last average"
          + " record size (at most --records-per-call). Bounds the heap a page needs and lets"
          + " processing overlap reading where a page could hold a whole shard (emulators)."),
  PROGRESS_INTERVAL(
      "--progress-interval", "MINIETL_PROGRESS_INTERVAL", "10s", "Time between progress lines."),
  STOP_WHEN_IDLE(
      "--stop-when-idle",
      "MINIETL_STOP_WHEN_IDLE",
      null,
      "Exit once every open shard is caught up with no new record for this long. Unset: run"
          + " until SIGTERM/Ctrl-C."),
  GRACE("--grace", "MINIETL_GC_GRACE", "1h", "gc: only delete unlisted objects older than this."),
  DRY_RUN("--dry-run", null, null, "gc: list what would be deleted, delete nothing."),
  VERBOSE("--verbose", "MINIETL_VERBOSE", null, "Print stack traces of errors.");

  private final String flag;
  private final String env;
  private final String defaultValue;
  private final String description;

  CliOption(String flag, String env, String defaultValue, String description) {
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

  boolean isSwitch() {
    return this == DRY_RUN || this == VERBOSE;
  }

  static CliOption byFlag(String flag) {
    for (CliOption o : values()) {
      if (o.flag.equals(flag)) {
        return o;
      }
    }
    return null;
  }
}
