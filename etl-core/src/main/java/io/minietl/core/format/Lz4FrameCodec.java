package io.minietl.core.format;

import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.XXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.arrow.compression.Lz4CompressionCodec;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.CompressionUtil.CodecType;

/**
 * Arrow's LZ4_FRAME buffer codec on lz4-java, working on the Arrow buffers' memory in place (no
 * copies through byte arrays).
 *
 * <p>Writes one LZ4 frame per buffer (https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md):
 * version 01, independent blocks of at most 4 MiB, the content size in the header, no block or
 * content checksums (the shard as a whole is checksummed with CRC32C). Reads any frame with
 * independent blocks, with or without checksums (which it skips); frames with linked blocks or a
 * dictionary id, which our writer never produces but another Arrow writer might, are decoded by
 * Arrow's own (slow) commons-compress codec.
 *
 * <p>Follows {@link AbstractCompressionCodec}: the first 8 bytes of a compressed buffer hold the
 * uncompressed length; the base class handles empty and raw (incompressible) buffers. Stateless and
 * thread-safe.
 */
final class Lz4FrameCodec extends AbstractCompressionCodec {
  static final Lz4FrameCodec INSTANCE = new Lz4FrameCodec();

  static final int MAGIC = 0x184D2204;
  private static final int BLOCK_SIZE = 4 << 20;
  // FLG: version 01, block independence, content size present.
  private static final byte FLG = 0x40 | 0x20 | 0x08;
  // BD: block maximum size 4 MiB.
  private static final byte BD = 0x70;
  private static final int HEADER_LENGTH = 4 + 2 + 8 + 1;
  private static final long PREFIX = CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;

  private final LZ4Compressor compressor = LZ4Factory.fastestInstance().fastCompressor();
  private final LZ4SafeDecompressor decompressor = LZ4Factory.fastestInstance().safeDecompressor();
  private final XXHash32 xxhash = XXHashFactory.fastestInstance().hash32();

  private Lz4FrameCodec() {}

  @Override
  public CodecType getCodecType() {
    return CodecType.LZ4_FRAME;
  }

  @Override
  protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
    long length = uncompressed.writerIndex();
    if (length > Integer.MAX_VALUE - (1 << 20)) {
      throw new IllegalArgumentException(
          "Cannot compress an Arrow buffer of " + length + " bytes with LZ4 (limit 2 GiB)");
    }
    int srcLength = (int) length;
    int fullBlocks = srcLength / BLOCK_SIZE;
    int lastBlock = srcLength % BLOCK_SIZE;
    long bound =
        HEADER_LENGTH
            + (long) fullBlocks * (4 + compressor.maxCompressedLength(BLOCK_SIZE))
            + (lastBlock == 0 ? 0 : 4 + compressor.maxCompressedLength(lastBlock))
            + 4;
    ArrowBuf out = allocator.buffer(PREFIX + bound);
    try {
      ByteBuffer src = uncompressed.nioBuffer(0, srcLength);
      ByteBuffer dst = out.nioBuffer(0, (int) (PREFIX + bound));
      long pos = PREFIX;
      out.setInt(pos, MAGIC);
      out.setByte(pos + 4, FLG);
      out.setByte(pos + 5, BD);
      out.setLong(pos + 6, length);
      out.setByte(pos + 14, headerChecksum(out, pos + 4, 10));
      pos += HEADER_LENGTH;
      for (int off = 0; off < srcLength; off += BLOCK_SIZE) {
        int n = Math.min(BLOCK_SIZE, srcLength - off);
        int dataPos = (int) pos + 4;
        int written =
            compressor.compress(src, off, n, dst, dataPos, compressor.maxCompressedLength(n));
        if (written < n) {
          out.setInt(pos, written);
        } else {
          // Incompressible block: store it raw (high bit of the size set).
          out.setBytes(dataPos, uncompressed, off, n);
          written = n;
          out.setInt(pos, n | 0x80000000);
        }
        pos = dataPos + (long) written;
      }
      out.setInt(pos, 0);
      out.writerIndex(pos + 4);
      return out;
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  @Override
  protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
    long end = compressed.writerIndex();
    long pos = PREFIX;
    require(end - pos >= 7, "truncated header");
    int magic = compressed.getInt(pos);
    require(magic == MAGIC, "bad magic number 0x" + Integer.toHexString(magic));
    int flg = compressed.getByte(pos + 4) & 0xFF;
    require((flg >>> 6) == 1, "unsupported frame version " + (flg >>> 6));
    boolean independent = (flg & 0x20) != 0;
    boolean blockChecksum = (flg & 0x10) != 0;
    boolean contentSize = (flg & 0x08) != 0;
    boolean dictionary = (flg & 0x01) != 0;
    if (!independent || dictionary) {
      // Not from our writer: let Arrow's codec decode linked blocks. It releases the buffer
      // once; keep ours for the base class to release.
      compressed.getReferenceManager().retain();
      return new Lz4CompressionCodec().decompress(allocator, compressed);
    }
    pos += 6 + (contentSize ? 8 : 0) + 1;
    long outLength = readUncompressedLength(compressed);
    require(outLength >= 0 && outLength <= Integer.MAX_VALUE, "uncompressed length " + outLength);
    require(end <= Integer.MAX_VALUE, "compressed buffer over 2 GiB");
    ArrowBuf out = allocator.buffer(outLength);
    try {
      ByteBuffer src = compressed.nioBuffer(0, (int) end);
      ByteBuffer dst = out.nioBuffer(0, (int) outLength);
      int outPos = 0;
      while (true) {
        require(end - pos >= 4, "truncated block header");
        int blockHeader = compressed.getInt(pos);
        pos += 4;
        if (blockHeader == 0) {
          break;
        }
        int n = blockHeader & 0x7FFFFFFF;
        require(end - pos >= n, "truncated block");
        if (blockHeader < 0) {
          require(outLength - outPos >= n, "more data than the uncompressed length");
          out.setBytes(outPos, compressed, pos, n);
          outPos += n;
        } else {
          outPos +=
              decompressor.decompress(src, (int) pos, n, dst, outPos, (int) outLength - outPos);
        }
        pos += n + (blockChecksum ? 4 : 0);
      }
      require(outPos == outLength, "decoded " + outPos + " bytes, expected " + outLength);
      out.writerIndex(outLength);
      return out;
    } catch (LZ4Exception e) {
      out.close();
      throw new IllegalArgumentException("Invalid LZ4 frame: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      out.close();
      throw e;
    }
  }

  private byte headerChecksum(ArrowBuf buf, long offset, int length) {
    ByteBuffer descriptor = buf.nioBuffer(offset, length);
    return (byte) ((xxhash.hash(descriptor, 0, length, 0) >>> 8) & 0xFF);
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalArgumentException("Invalid LZ4 frame in an Arrow buffer: " + what);
    }
  }
}
