package io.minietl.core.record;

/**
 * Why a raw record was rejected. The {@link #code()} is what the error output and the manifest
 * carry; it is stable across releases.
 */
public enum InvalidReason {
  /** The bytes are not well-formed UTF-8. */
  NOT_UTF8("not_utf8"),
  /** The bytes are not one well-formed JSON value (or have trailing content after it). */
  NOT_JSON("not_json"),
  /** The JSON value is not an object. */
  NOT_AN_OBJECT("not_an_object"),
  /** {@code article_id} or {@code content} is absent or null. */
  MISSING_FIELD("missing_field"),
  /** A known field has the wrong JSON type (for example a number for {@code content}). */
  WRONG_TYPE("wrong_type"),
  /** The record is larger than the configured maximum size. */
  TOO_LARGE("too_large"),
  /** The JSON nests deeper than the configured maximum depth. */
  TOO_DEEP("too_deep"),
  /**
   * A JSON string (a value or a field name) holds an escaped surrogate ({@code "\ud800"}) that is
   * not part of a high-low pair: it names no character, cannot be encoded as UTF-8, and so cannot
   * be stored as text that any reader could decode.
   */
  UNPAIRED_SURROGATE("unpaired_surrogate"),
  /**
   * The Kinesis record starts with the KPL aggregation magic bytes but is not a well-formed
   * aggregated record (MD5 mismatch, truncated or malformed protobuf, a key index out of its table,
   * no user records): its raw bytes are the whole Kinesis record.
   */
  KPL_CORRUPT("kpl_corrupt");

  private final String code;

  InvalidReason(String code) {
    this.code = code;
  }

  /** The stable, lower-case code of this reason, as written to the error output. */
  public String code() {
    return code;
  }

  /**
   * The reason with the given {@link #code()}.
   *
   * @throws IllegalArgumentException if no reason has that code
   */
  public static InvalidReason fromCode(String code) {
    for (InvalidReason r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException("Invalid reason code: '" + code + "'");
  }
}
