package io.minietl.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.Env;
import io.minietl.cli.UsageException;
import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordFormat;
import io.minietl.core.error.ErrorRecordReader;
import io.minietl.kinesis.KplAggregation;
import io.minietl.kinesis.aws.AwsClients;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * {@code produce}: puts fake articles ({@link ArticleGenerator}) or the lines of a JSON-lines file
 * into a stream with {@link SampleProducer}, one or more times with a pause between iterations.
 */
@Command(
    name = "produce",
    description = "Put sample articles (or the lines of a JSON-lines file) into a Kinesis stream.",
    footer = {
      "",
      "Endpoint, region and credentials come from the standard AWS environment"
          + " (AWS_ENDPOINT_URL_KINESIS or AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, ...);"
          + " with an overridden endpoint the client speaks JSON, not CBOR."
    })
final class ProduceCommand implements Callable<Integer> {
  private static final JsonFactory JSON = new JsonFactory();

  /** User records per aggregate at most (the KPL packs as many as fit; small is enough here). */
  static final int KPL_MAX_USER_RECORDS = 10;

  /** Bytes per aggregate at most, in KB (the KPL's default AggregationMaxSize is 51,200 bytes). */
  static final int KPL_MAX_AGGREGATE_KB = 50;

  private final CommandContext context;

  @Option(
      names = "--stream",
      paramLabel = "NAME",
      defaultValue = "MyStream",
      description = "Kinesis stream to put the articles into.")
  @Env("MINIETL_STREAM")
  String stream;

  @Option(
      names = "--records",
      paramLabel = "N",
      defaultValue = "1000",
      converter = Converters.PositiveInt.class,
      description = "Articles per iteration (ignored with --size-mb or --replay).")
  @Env("NUM_RECORDS")
  int records;

  @Option(
      names = "--size-mb",
      paramLabel = "MB",
      converter = PositiveNumber.class,
      description = "Instead of --records: put articles until this many MB per iteration.")
  @Env("DATASET_SIZE_MB")
  Double sizeMb;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      defaultValue = "1",
      converter = Converters.PositiveInt.class,
      description = "How many times to produce the set.")
  @Env("NUM_ITERATIONS")
  int iterations;

  @Option(
      names = "--pause",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = Converters.Duration.class,
      description = "Pause between iterations (e.g. 500ms, 10s, 1m).")
  @Env("ITERATION_PAUSE")
  Duration pause;

  @Option(
      names = "--malformed-share",
      paramLabel = "SHARE",
      defaultValue = "0",
      converter = Share.class,
      description =
          "Share of deliberately malformed records (0..1), to show the runner's error output.")
  @Env("MALFORMED_SHARE")
  double malformedShare;

  @Option(
      names = "--kpl-share",
      paramLabel = "SHARE",
      defaultValue = "0",
      converter = Share.class,
      description =
          "Share of records (0..1) put KPL-aggregated, as the Kinesis Producer Library does: up to"
              + " "
              + KPL_MAX_USER_RECORDS
              + " of them (at most "
              + KPL_MAX_AGGREGATE_KB
              + " KB) in one Kinesis record.")
  @Env("KPL_SHARE")
  double kplShare;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the generator: same seed, same articles.")
  @Env("PRODUCER_SEED")
  long seed;

  @Option(
      names = "--replay",
      paramLabel = "FILE",
      converter = ReadableFile.class,
      description =
          "Put the lines of this JSON-lines file instead of fake articles: one article per line,"
              + " or the records etl-ingest errors --raw wrote (their raw bytes and keys).")
  @Env("REPLAY_FILE")
  Path replay;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "Kinesis endpoint (LocalStack, emulators); wins over AWS_ENDPOINT_URL_KINESIS and"
              + " AWS_ENDPOINT_URL, which also work. Unset: AWS.")
  URI endpoint;

  ProduceCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    run(context.environment(), context.out());
    return 0;
  }

  /** Runs every iteration; returns the number of records put. */
  long run(Map<String, String> env, PrintStream out) {
    AwsClients.Builder aws = AwsClients.builder().environment(env);
    if (endpoint != null) {
      aws.endpoint(endpoint);
    }
    AwsClients clients = aws.build().check();
    try (KinesisClient kinesis = clients.newKinesisClient()) {
      try {
        kinesis.describeStreamSummary(b -> b.streamName(stream)); // fails fast on a wrong name
      } catch (ResourceNotFoundException e) {
        throw new UsageException(
            "Stream "
                + stream
                + " does not exist at "
                + clients.describeKinesisEndpoint()
                + ": create it, or check --stream (MINIETL_STREAM) and the endpoint",
            e);
      } catch (SdkClientException e) {
        throw new UsageException(
            "Cannot reach Kinesis at "
                + clients.describeKinesisEndpoint()
                + ": check --endpoint, AWS_ENDPOINT_URL_KINESIS or AWS_ENDPOINT_URL",
            e);
      }
      ArticleGenerator generator =
          ArticleGenerator.builder().seed(seed).malformedShare(malformedShare).build();
      long total = 0;
      for (int iteration = 1; iteration <= iterations; iteration++) {
        SampleProducer producer = SampleProducer.builder().kinesis(kinesis).stream(stream).build();
        KplBuffer kpl = new KplBuffer(producer, new Random(seed + iteration), kplShare);
        long started = System.nanoTime();
        Progress progress = new Progress(out, iteration);
        long malformed =
            replay != null ? replayFile(kpl, progress) : generate(generator, kpl, progress);
        kpl.flush();
        producer.flush();
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(
            Locale.ROOT,
            "produce: iteration %d/%d: %d records (%.1f MB, %d malformed) into %s in %.1f s"
                + " (%.0f records/s), %d entries retried%s%n",
            iteration,
            iterations,
            kpl.recordsPut(),
            producer.bytesPut() / 1e6,
            malformed,
            stream,
            seconds,
            kpl.recordsPut() / Math.max(seconds, 1e-3),
            producer.retriedEntries(),
            kpl.aggregates() == 0
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; %d of the records KPL-aggregated in %d Kinesis records",
                    kpl.aggregated(),
                    kpl.aggregates()));
        total += kpl.recordsPut();
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

  private long generate(ArticleGenerator generator, KplBuffer producer, Progress progress) {
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

  /**
   * Puts each non-blank line as one record. A line in the error-file format ({@code etl-ingest
   * errors --raw}: an object with {@code format_version} and {@code raw_base64}) puts its decoded
   * raw bytes under its original partition key, so a fixed record or a replayed one travels exactly
   * as Kinesis first delivered it (invalid UTF-8 and newlines included, which a plain line cannot
   * hold). Any other line is an article, keyed by its article_id (or its line number). Returns how
   * many records put are not valid articles (error records count as such: that is why they were
   * kept).
   */
  private long replayFile(KplBuffer producer, Progress progress) {
    long malformed = 0;
    long lineNumber = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(replay), 1 << 16)) {
      for (byte[] line = readLine(in); line != null; line = readLine(in)) {
        lineNumber++;
        if (isBlank(line)) {
          continue;
        }
        if (isErrorRecord(line)) {
          ErrorRecord r;
          try {
            r = ErrorRecordReader.parseLine(new String(line, StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            throw new UsageException(
                "Invalid --replay line " + lineNumber + " of " + replay + ": " + e.getMessage(), e);
          }
          producer.put(r.partitionKey(), r.raw());
          malformed++;
          progress.maybePrint(producer);
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

  /**
   * Whether a line is in the error-file format: a JSON object whose top level has both {@code
   * format_version} and {@code raw_base64} (an article has neither).
   */
  static boolean isErrorRecord(byte[] line) {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      boolean version = false;
      boolean raw = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        version |= ErrorRecordFormat.KEY_FORMAT_VERSION.equals(name);
        raw |= ErrorRecordFormat.KEY_RAW_BASE64.equals(name);
        p.skipChildren();
      }
      return version && raw;
    } catch (IOException e) {
      return false;
    }
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

  /**
   * Puts records plain or, a share of them chosen at random, KPL-aggregated: those are gathered
   * until {@link #KPL_MAX_USER_RECORDS} or {@link #KPL_MAX_AGGREGATE_KB} KB and put as one Kinesis
   * record keyed by the first one's partition key, as the KPL does ({@link KplAggregation}).
   */
  static final class KplBuffer {
    private final SampleProducer producer;
    private final Random random;
    private final double share;
    private final List<KplAggregation.UserRecord> pending = new ArrayList<>();
    private long pendingBytes;
    private long aggregates;
    private long aggregated;

    KplBuffer(SampleProducer producer, Random random, double share) {
      this.producer = producer;
      this.random = random;
      this.share = share;
    }

    void put(String partitionKey, byte[] data) {
      if (share == 0 || random.nextDouble() >= share) {
        producer.put(partitionKey, data);
        return;
      }
      long size = data.length + partitionKey.length() + 16L;
      if (!pending.isEmpty() && pendingBytes + size > KPL_MAX_AGGREGATE_KB * 1024L) {
        flush();
      }
      pending.add(new KplAggregation.UserRecord(pending.size(), partitionKey, null, data));
      pendingBytes += size;
      if (pending.size() == KPL_MAX_USER_RECORDS) {
        flush();
      }
    }

    /** Puts the aggregate being gathered, if any (into the producer's batch). */
    void flush() {
      if (pending.isEmpty()) {
        return;
      }
      producer.put(pending.get(0).partitionKey(), KplAggregation.aggregate(pending));
      aggregates++;
      aggregated += pending.size();
      pending.clear();
      pendingBytes = 0;
    }

    /** Kinesis records put as aggregates so far. */
    long aggregates() {
      return aggregates;
    }

    /** User records put inside aggregates so far. */
    long aggregated() {
      return aggregated;
    }

    /** User records accepted by the stream so far (plain and inside aggregates). */
    long recordsPut() {
      return producer.recordsPut() - aggregates + aggregated;
    }

    long bytesPut() {
      return producer.bytesPut();
    }
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

    void maybePrint(KplBuffer producer) {
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

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
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

  /** A number above zero. */
  static final class PositiveNumber implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double d = new Converters.Number().convert(value);
      if (d <= 0) {
        throw new TypeConversionException("expected a number above zero, like 5 or 0.5");
      }
      return d;
    }
  }

  /** A share: a number from 0 to 1. */
  static final class Share implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      double d;
      try {
        d = new Converters.Number().convert(value);
      } catch (TypeConversionException e) {
        d = -1;
      }
      if (d < 0 || d > 1) {
        throw new TypeConversionException("expected a number between 0 and 1 (e.g. 0.02)");
      }
      return d;
    }
  }

  /** A file this process can read. */
  static final class ReadableFile implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path p = Paths.get(value);
      if (!Files.isReadable(p) || Files.isDirectory(p)) {
        throw new TypeConversionException(
            "expected a readable JSON-lines file (one article a line)");
      }
      return p;
    }
  }
}
