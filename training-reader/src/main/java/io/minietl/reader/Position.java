package io.minietl.reader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link BatchIterator} is: enough to resume it after a restart, saved beside a model
 * checkpoint as a short string ({@link #toString()}, read back by {@link #parse}). Immutable.
 *
 * <p>Format (version 2, the same text in the Python reader): {@code
 * mtr2:version=V,segment=S,epoch=E,rank=R,world=W,spec=XXXXXXXX,batch=B}. {@code version} is the
 * dataset version the epoch was planned on, {@code segment} the version whose rows are being read
 * (equal to {@code version} unless following), {@code spec} the CRC32C of the {@link ReadSpec}'s
 * canonical string ({@code docs/DESIGN.md}, "The spec fingerprint"), {@code batch} the number of
 * batches of the segment already yielded. Version 1 ({@code mtr1:}, the same fields with a
 * Java-only fingerprint) is still read, and resumes in Java only.
 */
public final class Position {
  static final String PREFIX = "mtr2:";
  static final String LEGACY_PREFIX = "mtr1:";

  private final long version;
  private final long segment;
  private final long epoch;
  private final int rank;
  private final int worldSize;
  private final String spec;
  private final long batch;
  private final boolean legacy;

  Position(
      long version, long segment, long epoch, int rank, int worldSize, String spec, long batch) {
    this(version, segment, epoch, rank, worldSize, spec, batch, false);
  }

  private Position(
      long version,
      long segment,
      long epoch,
      int rank,
      int worldSize,
      String spec,
      long batch,
      boolean legacy) {
    this.version = version;
    this.segment = segment;
    this.epoch = epoch;
    this.rank = rank;
    this.worldSize = worldSize;
    this.spec = spec;
    this.batch = batch;
    this.legacy = legacy;
  }

  /**
   * Reads a position written by {@link #toString()}.
   *
   * @throws IllegalArgumentException if {@code text} is not a position of a known format version
   */
  public static Position parse(String text) {
    Objects.requireNonNull(text, "text");
    boolean legacy = text.startsWith(LEGACY_PREFIX);
    if (!legacy && !text.startsWith(PREFIX)) {
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
          Long.parseLong(req(kv, "batch", text)),
          legacy);
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

  /**
   * Whether this is a format-1 position, whose fingerprint is {@link ReadSpec#legacyFingerprint}.
   */
  boolean legacy() {
    return legacy;
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
    return (legacy ? LEGACY_PREFIX : PREFIX)
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
