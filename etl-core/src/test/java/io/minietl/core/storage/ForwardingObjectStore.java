package io.minietl.core.storage;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ObjectStore} that forwards every call to another, for tests that inject a fault into
 * one operation of a real store (a crash after a manifest PUT, a timeout that was applied) and
 * override only that one, as Guava's {@code Forwarding*} classes do.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
  protected final ObjectStore delegate;

  protected ForwardingObjectStore(ObjectStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public String location() {
    return delegate.location();
  }

  @Override
  public void checkAccess() {
    delegate.checkAccess();
  }

  @Override
  public void put(String key, byte[] bytes) {
    delegate.put(key, bytes);
  }

  @Override
  public void put(String key, Path file) {
    delegate.put(key, file);
  }

  @Override
  public PutResult putIfAbsent(String key, byte[] bytes) {
    return delegate.putIfAbsent(key, bytes);
  }

  @Override
  public Optional<byte[]> get(String key) {
    return delegate.get(key);
  }

  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    return delegate.getRange(key, offset, length);
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) {
    return delegate.list(prefix, startAfter);
  }

  @Override
  public void delete(String key) {
    delegate.delete(key);
  }
}
