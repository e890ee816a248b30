package io.minietl.examples;

import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.UsageException;
import io.minietl.ingest.cli.DatasetLocationConverter;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.kinesis.aws.LazyS3Client;
import io.minietl.reader.Batch;
import io.minietl.reader.BatchIterator;
import io.minietl.reader.DatasetOptions;
import io.minietl.reader.Filter;
import io.minietl.reader.ReadSpec;
import io.minietl.reader.Remainder;
import io.minietl.reader.Split;
import io.minietl.reader.TrainingDataset;
import io.minietl.s3.DatasetLocation;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints one rank's batches of an epoch, one compact JSON object per batch per line: the same flags
 * and byte-identical output as {@code python -m minietl batches} (issue 9; checked by {@code
 * BatchesCommandIT}). Keys are the selected columns in the order given, then {@code "padding"};
 * strings as RFC 8785 writes them, integers as integers, timestamps as ISO-8601 UTC with
 * microseconds and {@code Z}, nulls as {@code null}.
 *
 * <pre>
 * java -jar examples/target/examples.jar batches --dataset s3://my-bucket/articles \
 *     --batch-size 32 [--seed 42 | --sequential] [--epoch 0] [--rank 0] [--world-size 1] \
 *     [--columns article_id,word_count] [--remainder pad|drop] [--window-units 8] \
 *     [--split train|validation --train-fraction 0.9] [--between word_count:5:500] \
 *     [--dataset-version 12 | --run-id RUN]
 * </pre>
 */
@Command(
    name = "batches",
    description = {
      "Prints one rank's batches of an epoch as JSON lines (the plan, for people and tests);"
          + " byte-identical to python -m minietl batches."
    },
    footer = {"", Main.S3_ENVIRONMENT_FOOTER})
final class BatchesCommand implements Callable<Integer> {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private final CommandContext context;

  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "s3://BUCKET/PREFIX|DIR",
      converter = DatasetLocationConverter.class,
      description =
          "Dataset root: s3://bucket/prefix, or file:///path or a path for a local directory.")
  DatasetLocation dataset;

  @Option(
      names = "--dataset-version",
      paramLabel = "V",
      converter = Converters.WholeNumber.class,
      description = "A pinned manifest version (default: the latest).")
  Long datasetVersion;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Agree on the version with the other ranks of this run: the first to open the epoch pins"
              + " its latest version in _pins/ID/epoch-N.json, the others plan on it.")
  String runId;

  @Option(names = "--seed", paramLabel = "N", description = "Shuffle with this seed.")
  Long seed;

  @Option(names = "--sequential", description = "Manifest order (the default without --seed).")
  boolean sequential;

  @Option(names = "--epoch", paramLabel = "N", defaultValue = "0", description = "The epoch.")
  long epoch;

  @Option(names = "--rank", paramLabel = "R", defaultValue = "0", description = "This rank.")
  int rank;

  @Option(
      names = "--world-size",
      paramLabel = "W",
      defaultValue = "1",
      converter = Converters.PositiveInt.class,
      description = "Ranks in all.")
  int worldSize;

  @Option(
      names = "--batch-size",
      required = true,
      paramLabel = "B",
      converter = Converters.PositiveInt.class,
      description = "Rows per batch.")
  int batchSize;

  @Option(
      names = "--columns",
      paramLabel = "C1,C2",
      defaultValue = "article_id",
      description = "Columns, comma-separated, in this order (default: ${DEFAULT-VALUE}).")
  String columns;

  @Option(
      names = "--remainder",
      paramLabel = "pad|drop",
      defaultValue = "pad",
      description = "Remainder policy (default: ${DEFAULT-VALUE}).")
  String remainder;

  @Option(
      names = "--window-units",
      paramLabel = "K",
      defaultValue = "8",
      converter = Converters.PositiveInt.class,
      description = "Units shuffled together (default: ${DEFAULT-VALUE}).")
  int windowUnits;

  @Option(names = "--split", paramLabel = "train|validation", description = "A split side.")
  String split;

  @Option(names = "--train-fraction", paramLabel = "F", description = "The split's TRAIN share.")
  Double trainFraction;

  @Option(
      names = "--between",
      paramLabel = "COLUMN:LO:HI",
      description = "Rows whose integer column is in [LO, HI]; repeatable (all must hold).")
  List<String> between = new ArrayList<>();

  BatchesCommand(CommandContext context) {
    this.context = context;
  }

  ReadSpec spec() {
    if (seed != null && sequential) {
      throw new UsageException("Invalid order: give --seed or --sequential, not both");
    }
    if ((split == null) != (trainFraction == null)) {
      throw new UsageException("Invalid split: give --split and --train-fraction together");
    }
    return usage(this::buildSpec);
  }

  /** The spec the flags give, as the reader's builder checks it. */
  private ReadSpec buildSpec() {
    List<String> cols = new ArrayList<>();
    for (String c : columns.split(",")) {
      if (!c.isEmpty()) {
        cols.add(c);
      }
    }
    ReadSpec.Builder b =
        ReadSpec.builder()
            .batchSize(batchSize)
            .columns(cols)
            .epoch(epoch)
            .rank(rank)
            .worldSize(worldSize)
            .windowUnits(windowUnits)
            .remainder(choice(Remainder.class, "--remainder", remainder));
    if (seed != null) {
      b.shuffle(seed);
    }
    if (split != null) {
      b.split(choice(Split.class, "--split", split), trainFraction);
    }
    List<Filter> filters = new ArrayList<>();
    for (String f : between) {
      String[] p = f.split(":", -1);
      if (p.length != 3 || p[0].isEmpty()) {
        throw new UsageException("Invalid --between '" + f + "': expected COLUMN:LO:HI");
      }
      filters.add(Filter.between(p[0], Long.parseLong(p[1]), Long.parseLong(p[2])));
    }
    if (!filters.isEmpty()) {
      b.filter(filters.size() == 1 ? filters.get(0) : Filter.and(filters.toArray(Filter[]::new)));
    }
    return b.build();
  }

  /**
   * What {@code action} returns; an IllegalArgumentException from it (a value the reader's builders
   * or {@link TrainingDataset} reject, or a number that does not parse) is a usage error, exit 2.
   */
  private static <T> T usage(Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private static <E extends Enum<E>> E choice(Class<E> type, String flag, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("Invalid " + flag + " '" + value + "'");
    }
  }

  @Override
  public Integer call() {
    ReadSpec spec = spec();
    DatasetOptions options = options();
    PrintStream out = context.out();
    try (LazyS3Client s3 =
            AwsClients.builder().environment(context.environment()).build().lazyS3Client();
        TrainingDataset ds = usage(() -> TrainingDataset.open(dataset.open(s3), options));
        BatchIterator it = usage(() -> ds.batches(spec))) {
      while (it.hasNext()) {
        byte[] line = line(it.next(), spec.columns());
        out.write(line, 0, line.length);
      }
      out.flush();
    }
    return 0;
  }

  private DatasetOptions options() {
    if (runId != null && datasetVersion != null) {
      throw new UsageException("Invalid --run-id: give --run-id or --dataset-version, not both");
    }
    if (runId != null) {
      return usage(() -> DatasetOptions.builder().pin(runId, epoch).build());
    }
    return datasetVersion == null
        ? DatasetOptions.defaults()
        : usage(() -> DatasetOptions.builder().version(datasetVersion).build());
  }

  /** One batch as its JSON line, UTF-8, {@code \n}-terminated. */
  static byte[] line(Batch batch, List<String> columns) {
    StringBuilder s = new StringBuilder("{");
    for (String c : columns) {
      string(s, c);
      s.append(":[");
      FieldVector v = batch.vector(c);
      for (int i = 0; i < batch.size(); i++) {
        if (i > 0) {
          s.append(',');
        }
        value(s, v, i);
      }
      s.append("],");
    }
    s.append("\"padding\":[");
    for (int i = 0; i < batch.size(); i++) {
      s.append(i == 0 ? "" : ",").append(batch.isPadding(i));
    }
    s.append("]}\n");
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void value(StringBuilder s, FieldVector v, int i) {
    if (v.isNull(i)) {
      s.append("null");
    } else if (v instanceof VarCharVector t) {
      string(s, new String(t.get(i), StandardCharsets.UTF_8));
    } else if (v instanceof BaseIntVector n) {
      s.append(n.getValueAsLong(i));
    } else if (v instanceof TimeStampVector t) {
      long micros = t.get(i);
      s.append('"')
          .append(
              MICROS.format(
                  Instant.ofEpochSecond(
                      Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000)))
          .append('"');
    } else if (v instanceof BitVector b) {
      s.append(b.get(i) != 0);
    } else {
      throw new UsageException(
          "Cannot print column '" + v.getName() + "' of type " + v.getField().getType());
    }
  }

  /** A JSON string as RFC 8785 writes it: only '"', '\' and U+0000..U+001F escaped. */
  static void string(StringBuilder s, String text) {
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }

  /** For tests: the bytes {@link #line} writes for rows given as strings (no vectors). */
  static String quoted(String text) {
    StringBuilder s = new StringBuilder();
    string(s, text);
    return s.toString();
  }
}
