package io.minietl.core.format;

import org.apache.arrow.vector.compression.CompressionUtil.CodecType;

/**
 * The body compression of a shard's record batches (Arrow IPC buffer compression: every buffer is
 * compressed on its own and prefixed by its uncompressed length, so any Arrow reader decodes it).
 */
public enum ShardCompression {
  /**
   * Zstandard (zstd-jni), the default: about 2.6× smaller on article text at the default level 3,
   * fast to read. The level is set with {@link ShardWriter.Builder#compressionLevel(int)}.
   */
  ZSTD(CodecType.ZSTD),
  /**
   * The LZ4 frame format (lz4-java): faster to write than ZSTD, larger files. Written by our own
   * codec, not Arrow's built-in commons-compress one, which is unusably slow.
   */
  LZ4_FRAME(CodecType.LZ4_FRAME),
  /** No compression: the fastest to read and write, the largest files. */
  NONE(CodecType.NO_COMPRESSION);

  private final CodecType codecType;

  ShardCompression(CodecType codecType) {
    this.codecType = codecType;
  }

  CodecType codecType() {
    return codecType;
  }
}
