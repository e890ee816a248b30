package io.minietl.reader;

import io.minietl.core.storage.ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over one object, reading by ranged GETs with a read-ahead buffer of {@link
 * #READ_AHEAD} bytes (so the trailing magic and the footer take one request, a record batch's
 * metadata one, its body one or two).
 */
final class RangedChannel implements SeekableByteChannel {
  static final int READ_AHEAD = 64 * 1024;

  private final ObjectStore store;
  private final String key;
  private final long size;
  private long position;
  private byte[] buffer = new byte[0];
  private long bufferStart;
  private boolean open = true;
  private int requests;

  RangedChannel(ObjectStore store, String key, long size) {
    this.store = store;
    this.key = key;
    this.size = size;
  }

  int requests() {
    return requests;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (position >= size) {
      return -1;
    }
    int want = (int) Math.min(dst.remaining(), size - position);
    if (position < bufferStart || position + want > bufferStart + buffer.length) {
      long end = Math.min(size, position + Math.max(want, READ_AHEAD));
      // Near the end, read the whole tail: the footer's length and magic come first, and the footer
      // just before them then needs no second request.
      long start = Math.min(position, Math.max(0, end - READ_AHEAD));
      requests++;
      buffer =
          store
              .getRange(key, start, (int) (end - start))
              .orElseThrow(() -> new IOException("Object " + key + " is missing"));
      bufferStart = start;
      if (buffer.length < position - start + want) {
        throw new IOException(
            "Object " + key + " is shorter than the manifest says (" + size + " bytes)");
      }
    }
    dst.put(buffer, (int) (position - bufferStart), want);
    position += want;
    return want;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public SeekableByteChannel position(long newPosition) {
    this.position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
