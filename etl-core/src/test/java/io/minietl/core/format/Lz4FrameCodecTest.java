package io.minietl.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jpountz.lz4.LZ4FrameInputStream;
import org.apache.arrow.compression.Lz4CompressionCodec;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Lz4FrameCodecTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 100, 65_536, (4 << 20) + 17, 9 << 20})
  void roundTripsTextOfAnySizeIncludingSeveralBlocks(int size) {
    byte[] data = text(size);
    assertThat(roundTrip(Lz4FrameCodec.INSTANCE, Lz4FrameCodec.INSTANCE, data)).isEqualTo(data);
  }

  @Test
  void roundTripsIncompressibleData() {
    byte[] data = new byte[300_000];
    new Random(42).nextBytes(data);
    assertThat(roundTrip(Lz4FrameCodec.INSTANCE, Lz4FrameCodec.INSTANCE, data)).isEqualTo(data);
  }

  @Test
  void framesAreReadByLz4JavaFrameDecoder() throws IOException {
    byte[] data = text(5 << 20);
    byte[] frame = compressToFrame(data);
    try (LZ4FrameInputStream in = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void framesAreReadByArrowsOwnLz4Codec() {
    byte[] data = text(200_000);
    assertThat(roundTrip(Lz4FrameCodec.INSTANCE, new Lz4CompressionCodec(), data)).isEqualTo(data);
  }

  @Test
  void readsFramesOfArrowsOwnLz4Codec() {
    byte[] data = text(20_000);
    assertThat(roundTrip(new Lz4CompressionCodec(), Lz4FrameCodec.INSTANCE, data)).isEqualTo(data);
  }

  @Test
  void readsFramesWithLinkedBlocksAndChecksums() throws IOException {
    // Arrow's (commons-compress) LZ4 writer is slow: keep it small, but over one 64 KiB block.
    byte[] data = text(80_000);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    FramedLZ4CompressorOutputStream.Parameters params =
        new FramedLZ4CompressorOutputStream.Parameters(
            FramedLZ4CompressorOutputStream.BlockSize.K64, true, true, true);
    try (FramedLZ4CompressorOutputStream out = new FramedLZ4CompressorOutputStream(frame, params)) {
      out.write(data);
    }
    assertThat(decompress(Lz4FrameCodec.INSTANCE, frame.toByteArray(), data.length))
        .isEqualTo(data);
  }

  @Test
  void aCorruptMagicNumberFailsWithAClearMessage() {
    byte[] frame = compressToFrame(text(10_000));
    frame[0] = 0;
    assertThatThrownBy(() -> decompress(Lz4FrameCodec.INSTANCE, frame, 10_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid LZ4 frame in an Arrow buffer: bad magic number 0x");
  }

  @Test
  void corruptBlockDataFailsWithAClearMessage() {
    byte[] frame = compressToFrame(text(10_000));
    // Header intact (magic, FLG, BD, optional content size, HC), then the first block's size;
    // overwrite its compressed bytes, up to the end mark, with tokens that claim more literals than
    // there is input: only the LZ4 decoder itself can reject that.
    int blockStart = 7 + ((frame[4] & 0x08) != 0 ? 8 : 0);
    int blockSize = readIntLittleEndian(frame, blockStart);
    assertThat(blockSize).as("a compressed (not stored) first block").isPositive();
    java.util.Arrays.fill(frame, blockStart + 4, frame.length - 4, (byte) 0xFF);
    assertThatThrownBy(() -> decompress(Lz4FrameCodec.INSTANCE, frame, 10_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid LZ4 frame: ")
        .hasCauseInstanceOf(net.jpountz.lz4.LZ4Exception.class);
  }

  private static int readIntLittleEndian(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }

  private byte[] roundTrip(CompressionCodec writer, CompressionCodec reader, byte[] data) {
    ArrowBuf raw = allocator.buffer(data.length);
    raw.setBytes(0, data);
    raw.writerIndex(data.length);
    ArrowBuf compressed = writer.compress(allocator, raw);
    ArrowBuf decompressed = reader.decompress(allocator, compressed);
    try {
      byte[] out = new byte[(int) decompressed.writerIndex()];
      decompressed.getBytes(0, out);
      return out;
    } finally {
      decompressed.close();
    }
  }

  /** Our codec's LZ4 frame for {@code data}, without Arrow's 8-byte length prefix. */
  private byte[] compressToFrame(byte[] data) {
    ArrowBuf raw = allocator.buffer(data.length);
    raw.setBytes(0, data);
    raw.writerIndex(data.length);
    try (ArrowBuf compressed = Lz4FrameCodec.INSTANCE.compress(allocator, raw)) {
      assertThat(compressed.getLong(0)).isEqualTo(data.length);
      byte[] frame = new byte[(int) compressed.writerIndex() - 8];
      compressed.getBytes(8, frame);
      return frame;
    }
  }

  private byte[] decompress(CompressionCodec codec, byte[] frame, long uncompressedLength) {
    ArrowBuf compressed = allocator.buffer(frame.length + 8);
    compressed.setLong(0, uncompressedLength);
    compressed.setBytes(8, frame);
    compressed.writerIndex(frame.length + 8);
    ArrowBuf out;
    try {
      out = codec.decompress(allocator, compressed);
    } catch (RuntimeException e) {
      if (compressed.refCnt() > 0) {
        compressed.close();
      }
      throw e;
    }
    try {
      byte[] bytes = new byte[(int) out.writerIndex()];
      out.getBytes(0, bytes);
      return bytes;
    } finally {
      out.close();
    }
  }

  private static byte[] text(int size) {
    StringBuilder sb = new StringBuilder(size + 100);
    Random random = new Random(size);
    String[] words = {"news", "article", "Kinesis", "東京", "shard", "the", "of", "Arrow", "🚀"};
    while (sb.length() < size) {
      sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
    return java.util.Arrays.copyOf(utf8, size);
  }
}
