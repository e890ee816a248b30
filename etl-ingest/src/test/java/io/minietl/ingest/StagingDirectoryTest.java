package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cross-process cleanup (a SIGKILLed runner JVM) is covered by CrashRecoveryIT. */
class StagingDirectoryTest {
  @TempDir Path temp;

  @Test
  void openDeletesAStagingDirectoryWhoseLockNobodyHolds() throws Exception {
    Path abandoned = Files.createDirectory(temp.resolve(StagingDirectory.PREFIX + "dead"));
    Files.createFile(abandoned.resolve(".lock"));
    Files.write(abandoned.resolve("minietl-shard-1.arrow"), new byte[1024]);
    Path unrelated = Files.createDirectory(temp.resolve("other-tool"));

    try (StagingDirectory staging = StagingDirectory.open(temp)) {
      assertThat(abandoned).doesNotExist();
      assertThat(unrelated).isDirectory();
      assertThat(staging.path()).isDirectory().hasParent(temp.toAbsolutePath());
    }
  }

  @Test
  void openKeepsTheStagingDirectoryOfARunnerStillRunningAndCloseDeletesOnlyItsOwn()
      throws Exception {
    try (StagingDirectory first = StagingDirectory.open(temp)) {
      Files.write(first.path().resolve("minietl-shard-1.arrow"), new byte[10]);
      try (StagingDirectory second = StagingDirectory.open(temp)) {
        assertThat(first.path().resolve("minietl-shard-1.arrow")).exists();
        assertThat(second.path()).isNotEqualTo(first.path());
      }
      assertThat(first.path()).isDirectory();
    }
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aDirectoryWithoutLockFileIsKeptWhileRecentAndDeletedOnceOld() throws Exception {
    Path starting = Files.createDirectory(temp.resolve(StagingDirectory.PREFIX + "starting"));
    StagingDirectory.open(temp).close();
    assertThat(starting).isDirectory();

    Files.setLastModifiedTime(starting, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
    StagingDirectory.open(temp).close();
    assertThat(starting).doesNotExist();
  }
}
