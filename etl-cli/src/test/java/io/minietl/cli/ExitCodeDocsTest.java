package io.minietl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's exit-code table is {@link ExitCode}: the same codes, meanings and order. */
class ExitCodeDocsTest {
  @Test
  void readmeTableListsEveryExitCodeWithItsMeaning() throws IOException {
    Path root = Path.of(System.getProperty("minietl.root", "..")).toAbsolutePath();
    String readme = Files.readString(root.resolve("README.md"));
    int section = readme.indexOf("\n## Exit codes\n");
    assertThat(section).as("README section \"Exit codes\"").isPositive();
    int end = readme.indexOf("\n## ", section + 1);
    List<String> rows =
        readme.substring(section, end).lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
    assertThat(rows).hasSize(ExitCode.values().length);
    for (int i = 0; i < rows.size(); i++) {
      ExitCode c = ExitCode.values()[i];
      assertThat(rows.get(i)).startsWith("| " + c.code() + " | " + c.meaning());
    }
  }
}
