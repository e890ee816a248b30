package io.minietl.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.feature.WordCount;
import io.minietl.core.record.ParseResult;
import io.minietl.core.record.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./demo --help} and the README say about the demo is what the script does: every
 * option the help offers is accepted, no step is announced as missing, and the README's sample
 * summary line is the one a default run prints (the producer is seeded, so a default run's articles
 * are known; the expected figures are recomputed here from the generator, the parser and the word
 * count, not copied from a run).
 */
class DemoScriptDocsTest {
  private static final Path ROOT =
      Path.of(System.getProperty("minietl.root", "..")).toAbsolutePath().normalize();

  private record Result(int code, String out) {}

  private static Result demo(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("demo").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void everyOptionTheHelpOffersIsAccepted() throws Exception {
    Result help = demo("--help");
    assertThat(help.code()).as(help.out()).isZero();
    assertThat(help.out()).doesNotContainIgnoringCase("not wired").doesNotContain("HOOK");
    Matcher usage = Pattern.compile("Usage: ./demo (.*)").matcher(help.out());
    assertThat(usage.find()).as(help.out()).isTrue();
    Matcher flag = Pattern.compile("\\[(--[a-z-]+)( [A-Z]+)?]").matcher(usage.group(1));
    List<String> flags = new ArrayList<>();
    while (flag.find()) {
      flags.add(flag.group(1));
      // The option parser runs before anything is built: --help after it stops the script.
      Result r =
          flag.group(2) == null
              ? demo(flag.group(1), "--help")
              : demo(flag.group(1), "1", "--help");
      assertThat(r.code()).as(flag.group(1) + ": " + r.out()).isZero();
    }
    assertThat(flags).containsExactly("--records", "--malformed-share");
    Result unknown = demo("--keep-logs");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.out()).contains("invalid argument '--keep-logs'");
  }

  @Test
  void theReadmeSampleSummaryLineIsWhatADefaultRunPrints() throws Exception {
    String script = Files.readString(ROOT.resolve("demo"));
    int records = Integer.parseInt(group(script, "(?m)^records=(\\d+)$"));
    double share = Double.parseDouble(group(script, "(?m)^malformed_share=([0-9.]+)$"));

    ArticleGenerator generator = ArticleGenerator.builder().seed(42).malformedShare(share).build();
    RecordParser parser = RecordParser.create();
    long articles = 0;
    long malformed = 0;
    long sum = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < records; i++) {
      ParseResult parsed = parser.parse(generator.next().data());
      if (!parsed.isValid()) {
        malformed++;
        continue;
      }
      long words = WordCount.count(parsed.article().content());
      articles++;
      sum += words;
      min = Math.min(min, words);
      max = Math.max(max, words);
    }
    String expected =
        String.format(
            Locale.ROOT,
            "Average word count: %.1f words over %d articles (min %d, max %d); %d malformed"
                + " record(s) in the error output",
            (double) sum / articles,
            articles,
            min,
            max,
            malformed);

    String readme = Files.readString(ROOT.resolve("README.md")).replaceAll("\\s+", " ");
    assertThat(readme).contains("produces " + String.format(Locale.ROOT, "%,d", records));
    assertThat(
            group(
                readme,
                "(Average word count: [^;]*; \\d+ malformed record\\(s\\) in the error output)"))
        .isEqualTo(expected);
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(regex).isTrue();
    return m.group(1);
  }
}
