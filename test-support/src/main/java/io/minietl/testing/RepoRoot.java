package io.minietl.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Finds the repository root, where {@code node_modules} with the emulators lives. */
final class RepoRoot {
  /** Set by the parent POM for surefire and failsafe. */
  static final String PROPERTY = "minietl.root";

  private RepoRoot() {}

  static Path find() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path root = Paths.get(configured).toAbsolutePath().normalize();
      if (!Files.isDirectory(root.resolve("node_modules"))) {
        throw new IllegalStateException(
            "Invalid -D"
                + PROPERTY
                + "="
                + root
                + ": it has no node_modules. Run `mvn validate` (or build/npm-install.sh) at the"
                + " repository root to install the pinned emulators.");
      }
      return root;
    }
    Path start = Paths.get("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("package.json"))
          && Files.isDirectory(dir.resolve("node_modules"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "Cannot find the repository root (a directory with package.json and node_modules) above "
            + start
            + ": set -D"
            + PROPERTY
            + " or run `mvn validate` at the root to install the pinned emulators.");
  }
}
