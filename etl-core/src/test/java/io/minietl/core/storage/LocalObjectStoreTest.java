package io.minietl.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.ObjectStore.PutResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The object-store contract on a directory, and what is particular to files. */
class LocalObjectStoreTest extends ObjectStoreContract {
  @TempDir Path temp;
  private int roots;

  @Override
  protected ObjectStore newStore() {
    return LocalObjectStore.create(temp.resolve("dataset-" + ++roots));
  }

  @Override
  protected ObjectStore sameRoot(ObjectStore store) {
    return LocalObjectStore.create(((LocalObjectStore) store).root());
  }

  @Test
  void keysAreFilesUnderTheRootAndTheLocationIsAFileUri() throws IOException {
    LocalObjectStore store = LocalObjectStore.create(temp.resolve("a/../ds"));
    store.put("data/dt=2026-11-28/part-1.arrow", bytes("one"));

    assertThat(store.root()).isEqualTo(temp.resolve("ds").toAbsolutePath());
    assertThat(Files.readString(temp.resolve("ds/data/dt=2026-11-28/part-1.arrow")))
        .isEqualTo("one");
    assertThat(store.location()).isEqualTo("file://" + temp.resolve("ds").toAbsolutePath());
  }

  @Test
  void writesLeaveNoTemporaryFilesAndFilesOfOthersAreListedButTemporaryOnesAreNot()
      throws IOException {
    LocalObjectStore store = LocalObjectStore.create(temp.resolve("ds"));
    store.put("_manifest/_last-snapshot", bytes("1"));
    store.put("data/a", temp.resolve("ds/_manifest/_last-snapshot"));
    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("x"))).isEqualTo(PutResult.CREATED);
    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("y")))
        .isEqualTo(PutResult.ALREADY_EXISTS);
    try (Stream<Path> files = Files.walk(temp.resolve("ds"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("_last-snapshot", "a", "v1.json");
    }
    // A crash between writing a temporary file and renaming it leaves one behind: never listed.
    Files.writeString(temp.resolve("ds/_manifest/" + LocalObjectStore.TEMP_PREFIX + "x"), "half");
    Files.createDirectories(temp.resolve("ds/data/empty-dir"));
    assertThat(store.list("", null))
        .extracting(ObjectInfo::key)
        .containsExactly("_manifest/_last-snapshot", "_manifest/v1.json", "data/a");
    assertThat(store.get("data/empty-dir")).isEmpty();
    assertThat(store.get("data/a/b")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "/abs",
        "a//b",
        "a/",
        "../escape",
        "a/../../escape",
        "./a",
        "a\\b",
        ".minietl-tmp-x"
      })
  void rejectsKeysThatAreNotPlainRelativePaths(String key) {
    LocalObjectStore store = LocalObjectStore.create(temp.resolve("ds"));
    assertThatThrownBy(() -> store.put(key, bytes("v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid key '" + key + "'");
    assertThatThrownBy(() -> store.get(key)).isInstanceOf(IllegalArgumentException.class);
    assertThat(temp.resolve("escape")).doesNotExist();
  }

  @Test
  void checkAccessAcceptsAnExistingOrCreatableDirectoryAndNamesWhatIsWrongOtherwise()
      throws IOException {
    LocalObjectStore.create(temp.resolve("not/yet/there")).checkAccess();
    Files.createDirectories(temp.resolve("exists"));
    LocalObjectStore.create(temp.resolve("exists")).checkAccess();

    Files.writeString(temp.resolve("file"), "x");
    assertThatThrownBy(() -> LocalObjectStore.create(temp.resolve("file")).checkAccess())
        .isInstanceOf(StorageAccessException.class)
        .hasMessage(
            "Cannot use dataset directory " + temp.resolve("file") + ": it is not a directory");
    assertThatThrownBy(() -> LocalObjectStore.create(temp.resolve("file/ds")).checkAccess())
        .isInstanceOf(StorageAccessException.class)
        .hasMessageContaining(temp.resolve("file") + " is not a directory");

    Path locked = Files.createDirectories(temp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
    try {
      if (!Files.isWritable(locked)) { // root ignores permissions
        assertThatThrownBy(() -> LocalObjectStore.create(locked.resolve("ds")).checkAccess())
            .isInstanceOf(StorageAccessException.class)
            .hasMessageContaining("not readable and writable");
      }
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void aMissingRootIsAnEmptyDataset() {
    LocalObjectStore store = LocalObjectStore.create(temp.resolve("nothing"));
    assertThat(store.list("", null)).isEmpty();
    assertThat(store.list("_manifest/", null)).isEmpty();
    assertThat(store.get("_manifest/v1.json")).isEmpty();
    assertThat(temp.resolve("nothing")).doesNotExist();
  }
}
