package io.minietl.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One run's local staging area: a directory of its own under {@link IngestOptions#tempDir()},
 * holding the Arrow shard and error file being written, locked (an exclusive OS file lock on {@code
 * .lock}) for as long as the run lasts.
 *
 * <p>Why: a runner that is killed (SIGKILL, the OOM killer, a container stop timeout) cannot delete
 * its staging files, and each one can be a whole shard (64 MiB by default). A crash-looping runner
 * used to fill the disk with them (CrashRecoveryIT counted one or two per kill). The OS releases a
 * dead process's locks, so {@link #open} deletes every staging directory whose lock it can take:
 * those of dead runners, never those of live ones, whatever their PID (containers reuse PIDs).
 *
 * <p>Not thread-safe; owned by one {@link IngestRunner#run()}.
 */
final class StagingDirectory implements AutoCloseable {
  static final String PREFIX = "minietl-staging-";
  private static final String LOCK_FILE = ".lock";

  /** A directory without a lock file is a runner between creating both, unless it is older. */
  private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(1);

  /**
   * Staging directories of runners in this JVM. Their lock files are never opened by another runner
   * here: on POSIX, closing any channel to a file drops all of the process's locks on it.
   */
  private static final Set<Path> OWNED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path path;
  private final FileChannel lockChannel;

  private StagingDirectory(Path path, FileChannel lockChannel) {
    this.path = path;
    this.lockChannel = lockChannel;
  }

  /** Deletes abandoned staging directories under {@code tempDir}, then creates and locks one. */
  static StagingDirectory open(Path tempDir) {
    try {
      Files.createDirectories(tempDir);
      removeAbandoned(tempDir);
      Path dir = Files.createTempDirectory(tempDir, PREFIX).toAbsolutePath();
      OWNED_IN_THIS_JVM.add(dir);
      FileChannel channel =
          FileChannel.open(
              dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        channel.lock(); // a new file: uncontended; released by the OS if this process dies
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      return new StagingDirectory(dir, channel);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a staging directory in " + tempDir + ": " + e.getMessage(), e);
    }
  }

  Path path() {
    return path;
  }

  /** Deletes the directory (what is left in it) and releases the lock. */
  @Override
  public void close() {
    try {
      lockChannel.close(); // releases the lock
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
    deleteRecursively(path);
    OWNED_IN_THIS_JVM.remove(path);
  }

  /** Best effort: a directory that cannot be deleted now is retried by the next run. */
  static void removeAbandoned(Path tempDir) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, PREFIX + "*")) {
      for (Path dir : dirs) {
        try {
          if (Files.isDirectory(dir) && isAbandoned(dir.toAbsolutePath())) {
            deleteRecursively(dir);
          }
        } catch (IOException e) {
          // removed meanwhile, or unreadable: skip it
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // leftovers cost disk, not correctness
    }
  }

  private static boolean isAbandoned(Path dir) throws IOException {
    if (OWNED_IN_THIS_JVM.contains(dir)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return false; // held by a live runner in another process
      }
      lock.release();
      return true;
    } catch (OverlappingFileLockException e) {
      return false;
    } catch (NoSuchFileException e) {
      Instant modified = Files.getLastModifiedTime(dir).toInstant();
      return modified.isBefore(Instant.now().minus(UNLOCKED_GRACE));
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // gone already, or retried by the next run
    }
  }
}
