package io.minietl.reader;

import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An {@link ObjectStore} over a local directory (keys are relative paths), for the shared plan
 * vectors' fixture dataset that the Python tests read as a local directory too. Test code: the
 * product's {@code file://} store belongs to the observability issue.
 */
final class DirectoryObjectStore implements ObjectStore {
  private final Path root;

  DirectoryObjectStore(Path root) {
    this.root = root;
  }

  @Override
  public String location() {
    return root.toUri().toString();
  }

  @Override
  public void put(String key, byte[] bytes) {
    try {
      Path p = root.resolve(key);
      Files.createDirectories(p.getParent());
      Files.write(p, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void put(String key, Path file) {
    try {
      put(key, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public PutResult putIfAbsent(String key, byte[] bytes) {
    try {
      Path p = root.resolve(key);
      Files.createDirectories(p.getParent());
      Files.write(p, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return PutResult.CREATED;
    } catch (FileAlreadyExistsException e) {
      return PutResult.ALREADY_EXISTS;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) {
    Path p = root.resolve(key);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) {
    List<ObjectInfo> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix) && (startAfter == null || k.compareTo(startAfter) > 0))
          .sorted()
          .forEach(k -> out.add(info(k)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private ObjectInfo info(String key) {
    try {
      Path p = root.resolve(key);
      return new ObjectInfo(key, Files.size(p), Files.getLastModifiedTime(p).toInstant());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      Files.deleteIfExists(root.resolve(key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
