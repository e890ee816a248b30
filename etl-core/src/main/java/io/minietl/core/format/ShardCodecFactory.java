package io.minietl.core.format;

import org.apache.arrow.compression.ZstdCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * The codecs of our shards, for writing and reading: ZSTD through Arrow's zstd-jni codec, LZ4_FRAME
 * through our own {@link Lz4FrameCodec}, none. Stateless and thread-safe.
 */
final class ShardCodecFactory implements CompressionCodec.Factory {
  static final ShardCodecFactory INSTANCE = new ShardCodecFactory();
  // Arrow's ZSTD codec holds only its level: one instance serves every thread.
  private static final ZstdCompressionCodec ZSTD_DEFAULT_LEVEL = new ZstdCompressionCodec();

  private ShardCodecFactory() {}

  @Override
  public CompressionCodec createCodec(CodecType codecType) {
    switch (codecType) {
      case ZSTD:
        return ZSTD_DEFAULT_LEVEL;
      case LZ4_FRAME:
        return Lz4FrameCodec.INSTANCE;
      case NO_COMPRESSION:
        return NoCompressionCodec.INSTANCE;
      default:
        throw new IllegalArgumentException("Invalid compression codec: " + codecType);
    }
  }

  @Override
  public CompressionCodec createCodec(CodecType codecType, int compressionLevel) {
    if (codecType == CodecType.ZSTD) {
      return new ZstdCompressionCodec(compressionLevel);
    }
    return createCodec(codecType);
  }
}
