package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProduceCommandTest {
  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverDefaults() {
    ProduceCommand defaults = ProduceCommand.parse(List.of(), Map.of());
    assertThat(defaults.stream()).isEqualTo("MyStream");
    assertThat(defaults.records()).isEqualTo(1000);
    assertThat(defaults.sizeMb()).isNull();
    assertThat(defaults.iterations()).isEqualTo(1);
    assertThat(defaults.pause()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.malformedShare()).isZero();

    Map<String, String> env =
        Map.of("DATASET_SIZE_MB", "5", "NUM_ITERATIONS", "3", "MINIETL_STREAM", "FromEnv");
    ProduceCommand fromEnv = ProduceCommand.parse(List.of(), env);
    assertThat(fromEnv.sizeMb()).isEqualTo(5.0);
    assertThat(fromEnv.iterations()).isEqualTo(3);
    assertThat(fromEnv.stream()).isEqualTo("FromEnv");

    ProduceCommand flags =
        ProduceCommand.parse(
            List.of("--iterations", "2", "--pause=500ms", "--malformed-share", "0.02"), env);
    assertThat(flags.iterations()).isEqualTo(2);
    assertThat(flags.pause()).isEqualTo(Duration.ofMillis(500));
    assertThat(flags.malformedShare()).isEqualTo(0.02);
  }

  @Test
  void badValuesAreRejectedWithOneLineNamingTheFlag() {
    assertThatThrownBy(() -> ProduceCommand.parse(List.of("--malformed-share", "2"), Map.of()))
        .hasMessageContaining("Invalid --malformed-share '2'");
    assertThatThrownBy(() -> ProduceCommand.parse(List.of("--records", "0"), Map.of()))
        .hasMessageContaining("Invalid --records 0");
    assertThatThrownBy(() -> ProduceCommand.parse(List.of("--pause", "soon"), Map.of()))
        .hasMessageContaining("Invalid --pause 'soon'");
    assertThatThrownBy(() -> ProduceCommand.parse(List.of("--bogus", "1"), Map.of()))
        .hasMessageContaining("Unknown option '--bogus'");
    assertThatThrownBy(() -> ProduceCommand.parse(List.of("--replay", "/no/such.jsonl"), Map.of()))
        .hasMessageContaining("Invalid --replay /no/such.jsonl");
  }

  @Test
  void theArticleIdOfAReplayedLineIsItsPartitionKeyWhenPresent() {
    assertThat(ProduceCommand.articleId(bytes("{\"title\":{\"a\":1},\"article_id\":\"x-1\"}")))
        .isEqualTo("x-1");
    assertThat(ProduceCommand.articleId(bytes("{\"article_id\":5}"))).isNull();
    assertThat(ProduceCommand.articleId(bytes("[1]"))).isNull();
    assertThat(ProduceCommand.articleId(bytes("{not json"))).isNull();
  }

  @Test
  void linesAreSplitOnNewlinesWithoutTheirLineBreaks() throws Exception {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes("a\r\n\nbc\nd"));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes("a"));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes(""));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes("bc"));
    assertThat(ProduceCommand.readLine(in)).isEqualTo(bytes("d"));
    assertThat(ProduceCommand.readLine(in)).isNull();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
