package io.minietl.ingest.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.minietl.cli.CommandContext;
import io.minietl.cli.ExitCode;
import io.minietl.cli.UsageException;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.manifest.ShardCheckpoint;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.stats.Histogram;
import io.minietl.core.storage.ObjectStore;
import io.minietl.ingest.DatasetMaintenance;
import io.minietl.kinesis.aws.LazyS3Client;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stats}: what the latest manifest of the dataset says, as JSON, without reading data. A
 * prefix without a committed manifest is a usage error (exit 2): no dataset there.
 */
@Command(
    name = "stats",
    description = {
      "Print what the latest manifest of --dataset says, as JSON (reads no data); with"
          + " --histogram, draw a feature's distribution instead."
    })
final class StatsCommand implements Callable<Integer> {
  /** Characters of the longest bar. */
  static final int BAR_WIDTH = 50;

  private final CommandContext context;

  @Mixin DatasetOption dataset;

  @Option(
      names = "--histogram",
      paramLabel = "FEATURE",
      arity = "0..1",
      fallbackValue = "word_count",
      description =
          "Draw the histogram of FEATURE (word_count when no name is given) in power-of-two"
              + " buckets, from the manifest, instead of the JSON.")
  String histogram;

  /**
   * The latest version of the dataset in {@code store}, for the commands that read one ({@code
   * stats}, {@code errors}): a prefix without a committed manifest is a usage error (exit 2), not
   * an empty dataset, since a mistyped {@code --dataset} looks just like that.
   */
  static DatasetState latestCommitted(ObjectStore store) {
    DatasetState state = DatasetMaintenance.latest(store);
    if (state.version() == 0) {
      throw new UsageException(
          "No dataset at "
              + store.location()
              + ": no manifest was committed under "
              + ManifestPaths.MANIFEST_DIR
              + " (check --dataset; etl-ingest run creates it)");
    }
    return state;
  }

  StatsCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (LazyS3Client s3 = dataset.s3(context)) {
      ObjectStore store = dataset.open(s3);
      DatasetState state = latestCommitted(store);
      context
          .out()
          .print(
              histogram == null
                  ? statsJson(store.location(), state) + System.lineSeparator()
                  : histogramChart(state, histogram));
      return ExitCode.OK.code();
    }
  }

  /** The {@code stats} JSON: what the latest manifest says, without reading data. */
  static String statsJson(String location, DatasetState state) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("dataset", location);
      g.writeNumberField("version", state.version());
      g.writeNumberField("shards", state.shards().size());
      g.writeNumberField("rows", state.totalRows());
      g.writeNumberField("bytes", state.totalBytes());
      g.writeNumberField("error_records", state.totalErrorRecords());
      g.writeNumberField("error_files", state.errorFiles().size());
      // Per reason code, summed over the error files (the manifest records each file's counts).
      Map<String, Long> reasons = new TreeMap<>();
      for (ErrorFileEntry f : state.errorFiles()) {
        f.countsByReason().forEach((reason, n) -> reasons.merge(reason, n, Long::sum));
      }
      g.writeObjectFieldStart("error_reasons");
      for (Map.Entry<String, Long> e : reasons.entrySet()) {
        g.writeNumberField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      long closed = state.checkpoint().values().stream().filter(ShardCheckpoint::closed).count();
      g.writeObjectFieldStart("kinesis_shards");
      g.writeNumberField("checkpointed", state.checkpoint().size());
      g.writeNumberField("closed", closed);
      g.writeEndObject();
      g.writeObjectFieldStart("features");
      for (Map.Entry<String, FeatureStats> e : state.stats().entrySet()) {
        FeatureStats s = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        g.writeNumberField("count", s.count());
        if (!s.isEmpty()) {
          g.writeNumberField("mean", s.mean());
          g.writeNumberField("min", s.min());
          g.writeNumberField("max", s.max());
          g.writeNumberField("stddev", s.stddev());
          g.writeNumberField("sum", s.sum());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * The histogram of {@code feature} drawn as text: one line per power-of-two bucket from the first
   * non-empty to the last, a bar scaled to the largest bucket (a non-empty bucket gets at least one
   * character), the count and its share of the rows.
   */
  static String histogramChart(DatasetState state, String feature) {
    if (!state.stats().containsKey(feature)) {
      throw new UsageException(
          "Unknown feature '"
              + feature
              + "' for --histogram: the dataset has "
              + String.join(", ", state.stats().keySet()));
    }
    FeatureStats s = state.stats(feature);
    StringBuilder b = new StringBuilder();
    if (s.isEmpty()) {
      return feature + ": no rows" + System.lineSeparator();
    }
    if (s.histogram().isEmpty()) {
      return feature
          + ": no histogram: part of the dataset was committed before histograms were kept"
          + " (count "
          + s.count()
          + ", mean "
          + String.format(Locale.ROOT, "%.2f", s.mean())
          + ")"
          + System.lineSeparator();
    }
    Histogram h = s.histogram().get();
    long[] counts = h.counts();
    long largest = 0;
    int first = -1;
    for (int k = 0; k < counts.length; k++) {
      largest = Math.max(largest, counts[k]);
      if (first < 0 && counts[k] > 0) {
        first = k;
      }
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%s: %d rows, mean %.2f, min %d, max %d (buckets of powers of two)%n",
            feature,
            s.count(),
            s.mean(),
            s.min(),
            s.max()));
    for (int k = first; k < counts.length; k++) {
      long lo = Histogram.lowerBound(k);
      long hi = Histogram.upperBound(k);
      String range = lo == hi ? Long.toString(lo) : lo + "-" + hi;
      int width = (int) Math.ceil((double) counts[k] * BAR_WIDTH / largest);
      b.append(
          String.format(
              Locale.ROOT,
              "%13s | %-" + BAR_WIDTH + "s %d (%.1f%%)%n",
              range,
              "#".repeat(width),
              counts[k],
              100.0 * counts[k] / s.count()));
    }
    return b.toString();
  }
}
