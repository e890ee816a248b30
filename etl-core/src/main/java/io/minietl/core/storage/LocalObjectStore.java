package io.minietl.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link ObjectStore} on a local (or any POSIX) file system, rooted at a directory: key {@code
 * data/dt=2026-11-28/part-x.arrow} is the file {@code ROOT/data/dt=2026-11-28/part-x.arrow}. For
 * people without S3: the commit protocol and fencing hold on one disk, because {@link #putIfAbsent}
 * is as atomic as S3's {@code If-None-Match: *}.
 *
 * <p><b>How writes are made atomic.</b> Every write goes to a temporary file in the target's
 * directory first, which is flushed to disk ({@code fsync}) before it becomes visible, so a reader
 * never sees a partial object and a crash never leaves one under a key:
 *
 * <ul>
 *   <li>{@link #put}: the temporary file is renamed over the key ({@code ATOMIC_MOVE}, replacing).
 *   <li>{@link #putIfAbsent}: the temporary file is hard-linked to the key ({@code link(2)}), which
 *       fails atomically if the key exists; of concurrent callers (threads or processes, on one
 *       machine or sharing a POSIX file system) exactly one links. Then the temporary name is
 *       removed and the directory flushed. The outcome is always known: never {@code UNKNOWN}. Hard
 *       links are required (every Linux and macOS local file system has them; FAT/exFAT and some
 *       network shares do not): without them it throws {@link StorageAccessException}, rather than
 *       fall back to a create that a concurrent reader could see half written.
 * </ul>
 *
 * <p>Temporary files are named {@code .minietl-tmp-*} and never listed; one left behind by a crash
 * is harmless (delete it by hand). Directories are created as needed and never removed (S3 has
 * none; removing one could race a concurrent write into it). {@link #list} orders keys by {@link
 * String#compareTo}, which for the ASCII keys of a dataset is S3's order.
 *
 * <p>Thread safe (it keeps no state beyond the root). I/O errors escape as {@link
 * UncheckedIOException}.
 */
public final class LocalObjectStore implements ObjectStore {
  /** Prefix of the names of temporary files; keys with a segment starting with it are invalid. */
  static final String TEMP_PREFIX = ".minietl-tmp-";

  private final Path root;

  private LocalObjectStore(Path root) {
    this.root = root;
  }

  /**
   * A store rooted at {@code root} (made absolute and normalized). Touches nothing: the directory
   * is created by the first write; see {@link #checkAccess()}.
   */
  public static LocalObjectStore create(Path root) {
    Objects.requireNonNull(root, "root");
    return new LocalObjectStore(root.toAbsolutePath().normalize());
  }

  /** The root directory. */
  public Path root() {
    return root;
  }

  /** {@code file:///absolute/path}, without a trailing slash. */
  @Override
  public String location() {
    String uri = root.toUri().toString();
    return uri.endsWith("/") && uri.length() > "file:///".length()
        ? uri.substring(0, uri.length() - 1)
        : uri;
  }

  /**
   * Checks that the root is a directory that can be written, or does not exist yet and can be
   * created (its nearest existing ancestor is a writable directory).
   *
   * @throws StorageAccessException "Cannot use dataset directory X: ..." naming what to fix
   */
  @Override
  public void checkAccess() {
    Path p = root;
    while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
      p = p.getParent();
    }
    if (p == null) {
      throw cannotUse("no part of the path exists");
    }
    if (!Files.isDirectory(p)) {
      throw cannotUse(
          p.equals(root) ? "it is not a directory" : p + " is not a directory (remove it)");
    }
    if (!Files.isWritable(p) || !Files.isReadable(p) || !Files.isExecutable(p)) {
      throw cannotUse(
          (p.equals(root) ? "it" : p.toString())
              + " is not readable and writable by this user (check its permissions)");
    }
  }

  private StorageAccessException cannotUse(String reason) {
    return new StorageAccessException("Cannot use dataset directory " + root + ": " + reason, null);
  }

  @Override
  public void put(String key, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Path target = file(key);
    try {
      Path temp = writeTemp(target, bytes);
      moveIntoPlace(temp, target);
    } catch (IOException e) {
      throw failed("write", key, e);
    }
  }

  @Override
  public void put(String key, Path file) {
    Objects.requireNonNull(file, "file");
    Path target = file(key);
    try {
      Path temp = tempBeside(target);
      try {
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
        force(temp);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      moveIntoPlace(temp, target);
    } catch (IOException e) {
      throw failed("write", key, e);
    }
  }

  @Override
  public PutResult putIfAbsent(String key, byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Path target = file(key);
    Path temp;
    try {
      temp = writeTemp(target, bytes);
    } catch (IOException e) {
      throw failed("write", key, e);
    }
    try {
      // link(2) creates the name only if it does not exist, atomically, with the complete and
      // flushed content: the local equivalent of If-None-Match: *.
      Files.createLink(target, temp);
      forceDirectory(target.getParent());
      return PutResult.CREATED;
    } catch (FileAlreadyExistsException e) {
      return PutResult.ALREADY_EXISTS;
    } catch (UnsupportedOperationException e) {
      throw noHardLinks(e);
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().contains("not permitted")) {
        throw noHardLinks(e); // EPERM: the file system has no hard links
      }
      throw failed("create", key, e);
    } catch (IOException e) {
      throw failed("create", key, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // a leftover temporary file is never listed, so it is only wasted space
      }
    }
  }

  private StorageAccessException noHardLinks(Exception e) {
    return new StorageAccessException(
        "Cannot commit to dataset directory "
            + root
            + ": its file system does not support hard links, which the atomic commit needs"
            + " (use a local Linux or macOS file system, or S3)",
        e);
  }

  @Override
  public Optional<byte[]> get(String key) {
    Path file = file(key);
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      // Not there when opened (it may be created a moment later: that read was before it).
      return Optional.empty();
    } catch (IOException e) {
      if (!Files.isRegularFile(file)) {
        return Optional.empty(); // missing, or a "folder", or a file where a folder would be
      }
      throw failed("read", key, e);
    }
  }

  /** A positional read of the range, without reading the rest of the file. */
  @Override
  public Optional<byte[]> getRange(String key, long offset, int length) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException(
          "Invalid range: offset " + offset + ", length " + length + " (both must be >= 0)");
    }
    Path file = file(key);
    if (Files.isDirectory(file)) {
      return Optional.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      int n = (int) Math.max(0, Math.min(length, size - offset));
      ByteBuffer buffer = ByteBuffer.allocate(n);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          break; // the file was truncated under us: what was read is what there is
        }
      }
      return Optional.of(
          buffer.position() == n
              ? buffer.array()
              : Arrays.copyOf(buffer.array(), buffer.position()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      throw failed("read", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) {
    Objects.requireNonNull(prefix, "prefix");
    // Walk only the deepest directory the prefix names: "data/dt=2026" walks ROOT/data.
    int slash = prefix.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(checkedRelative(prefix.substring(0, slash)));
    List<ObjectInfo> objects = new ArrayList<>();
    if (!Files.isDirectory(start)) {
      return objects;
    }
    try {
      Files.walkFileTree(
          start,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (!attrs.isRegularFile() || file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                return FileVisitResult.CONTINUE;
              }
              String key = keyOf(file);
              if (key.startsWith(prefix) && (startAfter == null || key.compareTo(startAfter) > 0)) {
                objects.add(
                    new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // deleted while we walked: not there any more
              }
              throw e;
            }
          });
    } catch (IOException e) {
      throw failed("list", prefix, e);
    }
    objects.sort(Comparator.comparing(ObjectInfo::key));
    return objects;
  }

  @Override
  public void delete(String key) {
    Path file = file(key);
    try {
      if (!Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw failed("delete", key, e);
      } // else a parent is a file: the key cannot exist
    }
  }

  @Override
  public String toString() {
    return "LocalObjectStore[" + location() + "]";
  }

  /** The file of {@code key}, which must be a relative path of non-empty, non-dot segments. */
  Path file(String key) {
    Objects.requireNonNull(key, "key");
    return root.resolve(checkedRelative(key));
  }

  private String checkedRelative(String key) {
    if (key.isEmpty() || key.startsWith("/") || key.endsWith("/") || key.contains("\\")) {
      throw invalidKey(key);
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty()
          || segment.equals(".")
          || segment.equals("..")
          || segment.startsWith(TEMP_PREFIX)
          || segment.indexOf('\0') >= 0) {
        throw invalidKey(key);
      }
    }
    return key;
  }

  private IllegalArgumentException invalidKey(String key) {
    return new IllegalArgumentException(
        "Invalid key '"
            + key
            + "': must be a relative path under "
            + location()
            + " (no empty, '.' or '..' segments, no leading or trailing '/')");
  }

  private String keyOf(Path file) {
    StringBuilder key = new StringBuilder();
    for (Path part : root.relativize(file)) {
      if (key.length() > 0) {
        key.append('/');
      }
      key.append(part);
    }
    return key.toString();
  }

  private Path writeTemp(Path target, byte[] bytes) throws IOException {
    Path temp = tempBeside(target);
    try (FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  private Path tempBeside(Path target) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    return dir.resolve(TEMP_PREFIX + UUID.randomUUID());
  }

  private static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      forceDirectory(target.getParent());
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static void force(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
  }

  /** Makes a new name in {@code dir} durable; best effort where directories cannot be opened. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open a directory; the rename or link itself is still atomic.
    }
  }

  private UncheckedIOException failed(String what, String key, IOException e) {
    String reason =
        e instanceof AccessDeniedException
            ? "permission denied"
            : e.getMessage() == null ? e.toString() : e.getMessage();
    return new UncheckedIOException(
        "Cannot " + what + " " + key + " in " + location() + ": " + reason, e);
  }
}
