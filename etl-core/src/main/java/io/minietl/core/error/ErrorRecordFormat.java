package io.minietl.core.error;

/**
 * The error-file format: one JSON object per line (JSON Lines), UTF-8, gzip-compressed on S3 as
 * {@code errors/dt=YYYY-MM-DD/part-….jsonl.gz}.
 *
 * <pre>{@code
 * {"format_version":1,"reason":"not_json","message":"Unexpected character ...",
 *  "kinesis_shard_id":"shardId-000000000000","kinesis_sequence_number":"4959...",
 *  "kinesis_partition_key":"a-17","approximate_arrival_time":"2026-11-28T10:15:30.123Z",
 *  "raw_base64":"eyJ0aXRsZSI6..."}
 * }</pre>
 *
 * <p>Keys are snake_case so that {@code pandas.read_json(path, lines=True)} and {@code jq} users
 * get natural column names. {@code approximate_arrival_time} is ISO-8601 UTC or null; {@code
 * raw_base64} is standard base64 (RFC 4648, with padding) of the bytes exactly as Kinesis delivered
 * them. Readers ignore unknown keys and reject a {@code format_version} above {@link
 * #FORMAT_VERSION}.
 *
 * <p>{@code kinesis_sub_sequence_number} (a number) is present only for a user record of a
 * KPL-aggregated Kinesis record, whose raw bytes are then that user record's data alone; it was
 * added without a version change, since readers of version 1 ignore unknown keys.
 */
public final class ErrorRecordFormat {
  /** The version this code writes, and the highest it reads. */
  public static final int FORMAT_VERSION = 1;

  public static final String KEY_FORMAT_VERSION = "format_version";
  public static final String KEY_REASON = "reason";
  public static final String KEY_MESSAGE = "message";
  public static final String KEY_SHARD_ID = "kinesis_shard_id";
  public static final String KEY_SEQUENCE_NUMBER = "kinesis_sequence_number";
  public static final String KEY_PARTITION_KEY = "kinesis_partition_key";
  public static final String KEY_APPROXIMATE_ARRIVAL_TIME = "approximate_arrival_time";
  public static final String KEY_SUB_SEQUENCE_NUMBER = "kinesis_sub_sequence_number";
  public static final String KEY_RAW_BASE64 = "raw_base64";

  private ErrorRecordFormat() {}
}
