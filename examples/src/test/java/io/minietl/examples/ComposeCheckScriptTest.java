package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build/check-compose.sh}, which {@code .ci/run} calls: without docker-compose it fails (an
 * unvalidated compose file must not pass CI) unless skipped on purpose. Run with a PATH holding
 * only what the test puts there, so that neither a real docker-compose nor apt-get is found.
 */
class ComposeCheckScriptTest {
  @TempDir Path bin;

  private record Result(int code, String out, String err) {}

  private Result run(Map<String, String> env) throws IOException, InterruptedException {
    Path root = Path.of(System.getProperty("minietl.root", "..")).toAbsolutePath();
    for (String tool : List.of("dirname")) {
      Path real =
          Files.exists(Path.of("/usr/bin", tool))
              ? Path.of("/usr/bin", tool)
              : Path.of("/bin", tool);
      Files.createSymbolicLink(bin.resolve(tool), real);
    }
    Path bash =
        Files.exists(Path.of("/bin/bash")) ? Path.of("/bin/bash") : Path.of("/usr/bin/bash");
    ProcessBuilder b =
        new ProcessBuilder(bash.toString(), root.resolve("build/check-compose.sh").toString())
            .redirectOutput(bin.resolve("out").toFile())
            .redirectError(bin.resolve("err").toFile());
    b.environment().clear();
    b.environment().put("PATH", bin.toString());
    b.environment().put("TMPDIR", bin.toString());
    b.environment().putAll(env);
    Process p = b.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(bin.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(bin.resolve("err"), StandardCharsets.UTF_8));
  }

  @Test
  void withoutDockerComposeTheCheckFailsAndSaysHowToSkipIt() throws Exception {
    Result r = run(Map.of());
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains("docker-compose.yml cannot be validated")
        .contains("MINIETL_SKIP_COMPOSE_CHECK=1");
  }

  @Test
  void skippingOnPurposeSaysSoAndPasses() throws Exception {
    Result r = run(Map.of("MINIETL_SKIP_COMPOSE_CHECK", "1"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("docker-compose.yml not validated: MINIETL_SKIP_COMPOSE_CHECK=1");
  }

  @Test
  void aDockerComposeOnThePathValidatesTheFile() throws Exception {
    Path fake = bin.resolve("docker-compose");
    Files.writeString(fake, "#!" + bashPath() + "\necho \"$*\" >> \"$TMPDIR/calls\"\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    Result r = run(Map.of());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readAllLines(bin.resolve("calls")))
        .containsExactly("-f docker-compose.yml config --quiet", "version --short");
    assertThat(r.out()).startsWith("docker-compose config: ok");
  }

  private static String bashPath() {
    return Files.exists(Path.of("/bin/bash")) ? "/bin/bash" : "/usr/bin/bash";
  }
}
