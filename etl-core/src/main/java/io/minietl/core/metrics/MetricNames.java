package io.minietl.core.metrics;

/**
 * The names of the pipeline's metrics, one place for the runner ({@code etl-ingest run
 * --metrics-port}, Prometheus text) and the Flink job (Flink's metric groups), so a dashboard reads
 * both. Counters end in {@code _total} as Prometheus names them; {@link #REASON} takes the error
 * records' reason codes ({@code InvalidReason}) and {@link #SHARD} Kinesis shard ids.
 */
public final class MetricNames {
  /** Kinesis records taken from the stream (rows and error records). */
  public static final String RECORDS_READ = "minietl_records_read_total";

  /** Rows written to Arrow shards (valid records). */
  public static final String ROWS_WRITTEN = "minietl_rows_written_total";

  /** Records sent to the error output, labelled {@link #REASON}. */
  public static final String ERROR_RECORDS = "minietl_error_records_total";

  /**
   * The latest MillisBehindLatest of each shard being read, labelled {@link #SHARD}; a shard that
   * has not answered yet has no sample (rather than -1).
   */
  public static final String MILLIS_BEHIND_LATEST = "minietl_millis_behind_latest";

  /** Manifest versions committed. */
  public static final String COMMITS = "minietl_commits_total";

  /** Seconds per commit (upload and manifest create, retries included): a histogram. */
  public static final String COMMIT_SECONDS = "minietl_commit_seconds";

  /** Commit attempts that lost the race for a manifest version to another writer. */
  public static final String COMMIT_CONFLICTS = "minietl_commit_conflicts_total";

  /** The latest manifest version this writer knows committed. */
  public static final String MANIFEST_VERSION = "minietl_manifest_version";

  /** Bytes of fetched records waiting to be processed (bounded by the buffer size). */
  public static final String BUFFER_BYTES = "minietl_buffer_bytes";

  /** The mean word count of the committed dataset (the exact running average). */
  public static final String WORD_COUNT_MEAN = "minietl_word_count_mean";

  /** Label of {@link #ERROR_RECORDS}. */
  public static final String REASON = "reason";

  /** Label of {@link #MILLIS_BEHIND_LATEST}. */
  public static final String SHARD = "shard";

  private MetricNames() {}
}
