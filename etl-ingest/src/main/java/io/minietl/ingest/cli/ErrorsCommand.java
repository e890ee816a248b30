package io.minietl.ingest.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.minietl.cli.CommandContext;
import io.minietl.cli.Converters;
import io.minietl.cli.ExitCode;
import io.minietl.core.error.ErrorRecord;
import io.minietl.core.error.ErrorRecordReader;
import io.minietl.core.error.ErrorRecordWriter;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ErrorFileEntry;
import io.minietl.core.manifest.ManifestPaths;
import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.aws.LazyS3Client;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code errors}: what went to the error output of the dataset's latest version. Counts per reason
 * and {@code dt} day come from the manifest (no data read); samples, and {@code --raw}, read the
 * error files, stopping as soon as they have what was asked.
 */
@Command(
    name = "errors",
    description = {
      "Show the records of --dataset that went to the error output: counts per reason and day,"
          + " and a few decoded samples per reason (--reason, --limit). --json for machines;"
          + " --raw writes the records themselves as JSON lines with base64 data (the error-file"
          + " format), which examples produce --replay puts back on a stream."
    })
final class ErrorsCommand implements Callable<Integer> {
  /** How much of a sample's raw bytes the text and JSON views show. */
  static final int SAMPLE_CHARS = 200;

  private final CommandContext context;

  @Mixin DatasetOption dataset;

  @Option(
      names = "--reason",
      paramLabel = "REASON",
      description = "Only this reason code (not_json, missing_field, ...).")
  String reason;

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = Converters.PositiveLong.class,
      description =
          "Samples per reason (default 3); with --raw, records in all (default: every one).")
  Long limit;

  @Option(names = "--json", description = "Print the counts and samples as JSON.")
  boolean json;

  @Option(
      names = "--raw",
      description = "Write the records as JSON lines (format_version, reason, raw_base64, ...).")
  boolean raw;

  ErrorsCommand(CommandContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (LazyS3Client s3 = dataset.s3(context)) {
      ObjectStore store = dataset.open(s3);
      DatasetState state = StatsCommand.latestCommitted(store);
      if (raw) {
        writeRaw(store, state, limit == null ? Long.MAX_VALUE : limit, context.out());
        return ExitCode.OK.code();
      }
      long perReason = limit == null ? 3 : limit;
      Map<String, Map<String, Long>> counts = counts(state);
      Map<String, List<ErrorRecord>> samples = samples(store, state, counts, perReason);
      context
          .out()
          .print(
              json
                  ? json(store.location(), state, counts, samples)
                  : text(store.location(), state, counts, samples));
      return ExitCode.OK.code();
    }
  }

  /** Reason, then day, then count, from the manifest's per-file counts. */
  private Map<String, Map<String, Long>> counts(DatasetState state) {
    Map<String, Map<String, Long>> counts = new TreeMap<>();
    for (ErrorFileEntry f : state.errorFiles()) {
      String day = ManifestPaths.datePartition(f.path()).toString();
      for (Map.Entry<String, Long> e : f.countsByReason().entrySet()) {
        if (reason == null || reason.equals(e.getKey())) {
          counts
              .computeIfAbsent(e.getKey(), k -> new TreeMap<>())
              .merge(day, e.getValue(), Long::sum);
        }
      }
    }
    return counts;
  }

  /** Up to {@code perReason} records of each reason, reading only the files that hold them. */
  private Map<String, List<ErrorRecord>> samples(
      ObjectStore store,
      DatasetState state,
      Map<String, Map<String, Long>> counts,
      long perReason) {
    Map<String, List<ErrorRecord>> samples = new TreeMap<>();
    for (ErrorFileEntry f : state.errorFiles()) {
      boolean useful =
          f.countsByReason().keySet().stream()
              .anyMatch(
                  r ->
                      counts.containsKey(r)
                          && samples.getOrDefault(r, List.of()).size() < perReason);
      if (!useful) {
        continue;
      }
      for (ErrorRecord r : read(store, f)) {
        List<ErrorRecord> list = samples.computeIfAbsent(r.reason(), k -> new ArrayList<>());
        if (counts.containsKey(r.reason()) && list.size() < perReason) {
          list.add(r);
        }
      }
    }
    samples.values().removeIf(List::isEmpty);
    return samples;
  }

  private void writeRaw(ObjectStore store, DatasetState state, long max, PrintStream out) {
    long written = 0;
    // The writer's close() flushes; it must not close the command's standard output.
    ErrorRecordWriter writer =
        ErrorRecordWriter.create(
            new FilterOutputStream(out) {
              @Override
              public void close() throws IOException {
                flush();
              }
            });
    for (ErrorFileEntry f : state.errorFiles()) {
      if (written >= max) {
        break;
      }
      if (reason != null && !f.countsByReason().containsKey(reason)) {
        continue;
      }
      for (ErrorRecord r : read(store, f)) {
        if ((reason == null || reason.equals(r.reason())) && written < max) {
          writer.write(r);
          written++;
        }
      }
    }
    writer.close();
  }

  private static List<ErrorRecord> read(ObjectStore store, ErrorFileEntry f) {
    byte[] bytes =
        store
            .get(f.path())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Cannot read " + f.path() + ": listed in the manifest but missing"));
    return ErrorRecordReader.readAllGzip(new ByteArrayInputStream(bytes));
  }

  /** The raw bytes as text for people: lossy UTF-8, control characters escaped, cut short. */
  static String preview(byte[] raw) {
    String text = new String(raw, StandardCharsets.UTF_8);
    StringBuilder b = new StringBuilder();
    text.codePoints()
        .limit(SAMPLE_CHARS)
        .forEach(
            c -> {
              if (c == '\n') {
                b.append("\\n");
              } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format(Locale.ROOT, "\\x%02x", c));
              } else {
                b.appendCodePoint(c);
              }
            });
    if (text.codePointCount(0, text.length()) > SAMPLE_CHARS) {
      b.append("…");
    }
    return b.toString();
  }

  private static String text(
      String location,
      DatasetState state,
      Map<String, Map<String, Long>> counts,
      Map<String, List<ErrorRecord>> samples) {
    StringBuilder s = new StringBuilder();
    long total = counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(l -> l).sum();
    s.append(
        String.format(
            Locale.ROOT,
            "errors: %d record(s) in %s at version %d%n",
            total,
            location,
            state.version()));
    TreeSet<String> days = new TreeSet<>();
    counts.values().forEach(m -> days.addAll(m.keySet()));
    if (!counts.isEmpty()) {
      s.append(String.format(Locale.ROOT, "%-16s", "reason"));
      days.forEach(d -> s.append(String.format(Locale.ROOT, " %12s", d)));
      s.append(String.format(Locale.ROOT, " %8s%n", "total"));
      for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
        s.append(String.format(Locale.ROOT, "%-16s", e.getKey()));
        for (String d : days) {
          s.append(String.format(Locale.ROOT, " %12d", e.getValue().getOrDefault(d, 0L)));
        }
        s.append(
            String.format(
                Locale.ROOT, " %8d%n", e.getValue().values().stream().mapToLong(l -> l).sum()));
      }
    }
    for (Map.Entry<String, List<ErrorRecord>> e : samples.entrySet()) {
      s.append(String.format(Locale.ROOT, "%nsamples of %s:%n", e.getKey()));
      for (ErrorRecord r : e.getValue()) {
        s.append(
            String.format(
                Locale.ROOT,
                "  %s #%s key %s: %s%n    raw (%d bytes): %s%n",
                r.shardId(),
                r.sequenceNumber(),
                r.partitionKey(),
                r.message(),
                r.raw().length,
                preview(r.raw())));
      }
    }
    return s.toString();
  }

  private static String json(
      String location,
      DatasetState state,
      Map<String, Map<String, Long>> counts,
      Map<String, List<ErrorRecord>> samples) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("dataset", location);
      g.writeNumberField("version", state.version());
      g.writeObjectFieldStart("reasons");
      for (Map.Entry<String, Map<String, Long>> e : counts.entrySet()) {
        g.writeObjectFieldStart(e.getKey());
        g.writeNumberField("total", e.getValue().values().stream().mapToLong(l -> l).sum());
        g.writeObjectFieldStart("by_day");
        for (Map.Entry<String, Long> d : e.getValue().entrySet()) {
          g.writeNumberField(d.getKey(), d.getValue());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("samples");
        for (ErrorRecord r : samples.getOrDefault(e.getKey(), List.of())) {
          g.writeStartObject();
          g.writeStringField("kinesis_shard_id", r.shardId());
          g.writeStringField("kinesis_sequence_number", r.sequenceNumber());
          g.writeStringField("kinesis_partition_key", r.partitionKey());
          g.writeStringField(
              "approximate_arrival_time",
              r.approximateArrivalTime() == null ? null : r.approximateArrivalTime().toString());
          g.writeStringField("message", r.message());
          g.writeNumberField("raw_bytes", r.raw().length);
          g.writeStringField("raw_preview", preview(r.raw()));
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w + System.lineSeparator();
  }
}
