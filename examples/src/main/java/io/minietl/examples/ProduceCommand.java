package io.minietl.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.minietl.kinesis.aws.AwsClients;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code produce}: puts fake articles ({@link ArticleGenerator}) or the lines of a JSON-lines file
 * into a stream with {@link SampleProducer}, one or more times with a pause between iterations.
 */
final class ProduceCommand {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final String stream;
  private final long records;
  private final Double sizeMb;
  private final int iterations;
  private final Duration pause;
  private final double malformedShare;
  private final long seed;
  private final Path replay;
  private final URI endpoint;

  private ProduceCommand(Map<ProducerOption, String> values) {
    this.stream = values.get(ProducerOption.STREAM);
    this.records = positiveLong(values, ProducerOption.RECORDS);
    this.sizeMb =
        values.get(ProducerOption.SIZE_MB) == null
            ? null
            : positiveDouble(values, ProducerOption.SIZE_MB);
    this.iterations = (int) positiveLong(values, ProducerOption.ITERATIONS);
    this.pause = duration(values, ProducerOption.PAUSE);
    this.malformedShare = share(values);
    this.seed = parseLong(values, ProducerOption.SEED);
    String replayFile = values.get(ProducerOption.REPLAY);
    this.replay = replayFile == null ? null : Paths.get(replayFile);
    if (replay != null && !Files.isReadable(replay)) {
      throw new UsageError(
          "Invalid --replay " + replayFile + ": no such readable file (one JSON article a line)");
    }
    String endpointText = values.get(ProducerOption.ENDPOINT);
    this.endpoint = endpointText == null ? null : URI.create(endpointText);
    if (stream == null || stream.isBlank()) {
      throw new UsageError("Missing --stream (or MINIETL_STREAM)");
    }
  }

  /** Parses flags over the environment over the defaults. */
  static ProduceCommand parse(List<String> args, Map<String, String> env) {
    Map<ProducerOption, String> values = new EnumMap<>(ProducerOption.class);
    for (ProducerOption o : ProducerOption.values()) {
      String fromEnv = o.env() == null ? null : env.get(o.env());
      String value = fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : o.defaultValue();
      if (value != null) {
        values.put(o, value);
      }
    }
    // AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_KINESIS are resolved by AwsClients from the
    // environment: only a flag sets the explicit endpoint.
    values.remove(ProducerOption.ENDPOINT);
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      ProducerOption o = ProducerOption.byFlag(flag);
      if (o == null) {
        throw new UsageError("Unknown option '" + arg + "' for produce: see --help");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new UsageError("Missing value of " + flag);
        }
        value = args.get(++i);
      }
      values.put(o, value);
    }
    return new ProduceCommand(values);
  }

  /** Runs every iteration; returns the number of records put. */
  long run(Map<String, String> env, PrintStream out) {
    AwsClients.Builder aws = AwsClients.builder().environment(env);
    if (endpoint != null) {
      aws.endpoint(endpoint);
    }
    try (KinesisClient kinesis = aws.build().newKinesisClient()) {
      kinesis.describeStreamSummary(b -> b.streamName(stream)); // fails fast on a wrong name
      ArticleGenerator generator =
          ArticleGenerator.builder().seed(seed).malformedShare(malformedShare).build();
      long total = 0;
      for (int iteration = 1; iteration <= iterations; iteration++) {
        SampleProducer producer = SampleProducer.builder().kinesis(kinesis).stream(stream).build();
        long started = System.nanoTime();
        Progress progress = new Progress(out, iteration);
        long malformed =
            replay != null
                ? replayFile(producer, progress)
                : generate(generator, producer, progress);
        producer.flush();
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(
            Locale.ROOT,
            "produce: iteration %d/%d: %d records (%.1f MB, %d malformed) into %s in %.1f s"
                + " (%.0f records/s), %d entries retried%n",
            iteration,
            iterations,
            producer.recordsPut(),
            producer.bytesPut() / 1e6,
            malformed,
            stream,
            seconds,
            producer.recordsPut() / Math.max(seconds, 1e-3),
            producer.retriedEntries());
        total += producer.recordsPut();
        if (iteration < iterations && !pause.isZero()) {
          out.printf(Locale.ROOT, "produce: pausing %s%n", format(pause));
          try {
            Thread.sleep(pause.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      return total;
    }
  }

  private long generate(ArticleGenerator generator, SampleProducer producer, Progress progress) {
    long malformed = 0;
    long count = 0;
    long bytes = 0;
    long targetBytes = sizeMb == null ? Long.MAX_VALUE : (long) (sizeMb * 1024 * 1024);
    long targetRecords = sizeMb == null ? records : Long.MAX_VALUE;
    while (count < targetRecords && bytes < targetBytes) {
      ArticleGenerator.Generated g = generator.next();
      producer.put(g.articleId(), g.data());
      count++;
      bytes += g.data().length;
      if (!g.isValid()) {
        malformed++;
      }
      progress.maybePrint(producer);
    }
    return malformed;
  }

  /** Puts each non-blank line as one record, keyed by its article_id (or its line number). */
  private long replayFile(SampleProducer producer, Progress progress) {
    long malformed = 0;
    long lineNumber = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(replay), 1 << 16)) {
      for (byte[] line = readLine(in); line != null; line = readLine(in)) {
        lineNumber++;
        if (isBlank(line)) {
          continue;
        }
        String key = articleId(line);
        if (key == null) {
          malformed++;
          key = "line-" + lineNumber;
        }
        producer.put(key, line);
        progress.maybePrint(producer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + replay, e);
    }
    return malformed;
  }

  /** The top-level string article_id of a JSON object, or null if there is none or no JSON. */
  static String articleId(byte[] json) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("article_id".equals(name) && value == JsonToken.VALUE_STRING) {
          String id = p.getText();
          return id.isEmpty() || id.length() > 256 ? null : id;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The next line without its line break, or null at the end. */
  static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(8 * 1024);
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      line.write(b);
      b = in.read();
    }
    byte[] bytes = line.toByteArray();
    if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
      return java.util.Arrays.copyOf(bytes, bytes.length - 1);
    }
    return bytes;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  /** A progress line every 2 seconds. */
  private static final class Progress {
    private final PrintStream out;
    private final int iteration;
    private long last = System.nanoTime();

    Progress(PrintStream out, int iteration) {
      this.out = out;
      this.iteration = iteration;
    }

    void maybePrint(SampleProducer producer) {
      long now = System.nanoTime();
      if (now - last >= 2_000_000_000L) {
        last = now;
        out.printf(
            Locale.ROOT,
            "produce: iteration %d: %d records put (%.1f MB)%n",
            iteration,
            producer.recordsPut(),
            producer.bytesPut() / 1e6);
      }
    }
  }

  static Duration parseDuration(String flag, String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new UsageError(
          "Invalid " + flag + " '" + text + "': expected a duration like 500ms, 10s, 1m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      default:
        return Duration.ofHours(n);
    }
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static Duration duration(Map<ProducerOption, String> values, ProducerOption o) {
    return parseDuration(o.flag(), values.get(o));
  }

  private static long parseLong(Map<ProducerOption, String> values, ProducerOption o) {
    String text = values.get(o);
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageError("Invalid " + o.flag() + " '" + text + "': expected an integer");
    }
  }

  private static long positiveLong(Map<ProducerOption, String> values, ProducerOption o) {
    long n = parseLong(values, o);
    if (n < 1 || n > Integer.MAX_VALUE) {
      throw new UsageError("Invalid " + o.flag() + " " + n + ": must be 1.." + Integer.MAX_VALUE);
    }
    return n;
  }

  private static double positiveDouble(Map<ProducerOption, String> values, ProducerOption o) {
    String text = values.get(o);
    try {
      double d = Double.parseDouble(text.trim());
      if (d > 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageError("Invalid " + o.flag() + " '" + text + "': expected a positive number");
  }

  private static double share(Map<ProducerOption, String> values) {
    String text = values.get(ProducerOption.MALFORMED_SHARE);
    try {
      double d = Double.parseDouble(text.trim());
      if (d >= 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new UsageError(
        "Invalid --malformed-share '" + text + "': expected a number between 0 and 1 (e.g. 0.02)");
  }

  long records() {
    return records;
  }

  Double sizeMb() {
    return sizeMb;
  }

  int iterations() {
    return iterations;
  }

  Duration pause() {
    return pause;
  }

  double malformedShare() {
    return malformedShare;
  }

  String stream() {
    return stream;
  }

  /** A bad flag or value: exit code 2 with one line. */
  static final class UsageError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }
}
