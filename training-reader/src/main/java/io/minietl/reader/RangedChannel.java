package io.minietl.reader;

import io.minietl.core.storage.ObjectStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel over one object, reading by ranged GETs with a read-ahead buffer (so the
 * footer, or a record batch's metadata and body, take one or two requests).
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
      int len = (int) Math.min(Math.max(want, READ_AHEAD), size - position);
      requests++;
      buffer =
          store
              .getRange(key, position, len)
              .orElseThrow(() -> new IOException("Object " + key + " is missing"));
      bufferStart = position;
      if (buffer.length < want) {
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
