package io.minietl.reader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link BatchIterator} is: enough to resume it after a restart, saved beside a model
 * checkpoint as a short string ({@link #toString()}, read back by {@link #parse}). Immutable.
 *
 * <p>Format (version 1): {@code mtr1:version=V,segment=S,epoch=E,rank=R,world=W,spec=XXXXXXXX,
 * batch=B}. {@code version} is the dataset version the epoch was planned on, {@code segment} the
 * version whose rows are being read (equal to {@code version} unless following), {@code spec} a
 * fingerprint of the {@link ReadSpec}, {@code batch} the number of batches of the segment already
 * yielded.
 */
public final class Position {
  static final String PREFIX = "mtr1:";

  private final long version;
  private final long segment;
  private final long epoch;
  private final int rank;
  private final int worldSize;
  private final String spec;
  private final long batch;

  Position(
      long version, long segment, long epoch, int rank, int worldSize, String spec, long batch) {
    this.version = version;
    this.segment = segment;
    this.epoch = epoch;
    this.rank = rank;
    this.worldSize = worldSize;
    this.spec = spec;
    this.batch = batch;
  }

  /**
   * Reads a position written by {@link #toString()}.
   *
   * @throws IllegalArgumentException if {@code text} is not a position of a known format version
   */
  public static Position parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "Invalid position '" + text + "': expected the format " + PREFIX + "...");
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : text.substring(PREFIX.length()).split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("Invalid position '" + text + "': '" + part + "'");
      }
      kv.put(part.substring(0, eq), part.substring(eq + 1));
    }
    try {
      return new Position(
          Long.parseLong(req(kv, "version", text)),
          Long.parseLong(req(kv, "segment", text)),
          Long.parseLong(req(kv, "epoch", text)),
          Integer.parseInt(req(kv, "rank", text)),
          Integer.parseInt(req(kv, "world", text)),
          req(kv, "spec", text),
          Long.parseLong(req(kv, "batch", text)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid position '" + text + "': " + e.getMessage(), e);
    }
  }

  private static String req(Map<String, String> kv, String key, String text) {
    String v = kv.get(key);
    if (v == null) {
      throw new IllegalArgumentException("Invalid position '" + text + "': no " + key);
    }
    return v;
  }

  /** The dataset version the epoch was planned on. */
  public long version() {
    return version;
  }

  /** The version whose rows are being read (the epoch's version, or a later one when following). */
  public long segment() {
    return segment;
  }

  public long epoch() {
    return epoch;
  }

  public int rank() {
    return rank;
  }

  public int worldSize() {
    return worldSize;
  }

  /** Batches of the segment already yielded. */
  public long batch() {
    return batch;
  }

  String spec() {
    return spec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Position && toString().equals(o.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    return PREFIX
        + "version="
        + version
        + ",segment="
        + segment
        + ",epoch="
        + epoch
        + ",rank="
        + rank
        + ",world="
        + worldSize
        + ",spec="
        + spec
        + ",batch="
        + batch;
  }
}
