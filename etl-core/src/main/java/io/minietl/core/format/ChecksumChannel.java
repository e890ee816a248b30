package io.minietl.core.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.zip.CRC32C;

/** Passes writes through to a channel, counting the bytes and their CRC32C. Not thread-safe. */
final class ChecksumChannel implements WritableByteChannel {
  private final WritableByteChannel out;
  private final CRC32C crc = new CRC32C();
  private long bytes;

  ChecksumChannel(WritableByteChannel out) {
    this.out = out;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    ByteBuffer view = src.duplicate();
    int written = out.write(src);
    view.limit(view.position() + written);
    crc.update(view);
    bytes += written;
    return written;
  }

  long bytes() {
    return bytes;
  }

  String checksum() {
    return ShardSummary.formatCrc32c(crc.getValue());
  }

  @Override
  public boolean isOpen() {
    return out.isOpen();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
