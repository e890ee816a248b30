package io.minietl.ingest.metrics;

import io.minietl.core.metrics.MetricNames;
import io.minietl.core.stats.FeatureStats;
import io.minietl.ingest.RunListener;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runner's metrics ({@link MetricNames}) in a Prometheus registry of their own, and its health,
 * fed as a {@link RunListener}. {@link #scrape()} and {@link #health()} may be called from any
 * thread (the HTTP server's) while the runner's thread feeds it.
 *
 * <p>Health: healthy while the loop is alive and no commit has failed since the last one that
 * succeeded (also before the first commit), and no fetcher (or shard discovery) has failed for
 * longer than the stall limit; unhealthy otherwise, with the reasons.
 */
public final class RunMetrics implements RunListener {
  /** Commit durations in seconds: a local disk commits in milliseconds, S3 in tenths. */
  static final double[] COMMIT_BUCKETS = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };

  private final Clock clock;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter recordsRead;
  private final Counter rowsWritten;
  private final Counter errorRecords;
  private final Gauge millisBehind;
  private final Counter commits;
  private final Histogram commitSeconds;
  private final Counter commitConflicts;
  private final Gauge manifestVersion;
  private final Gauge bufferBytes;
  private final Gauge wordCountMean;
  private final Map<String, Long> lagByShard = new HashMap<>(); // the runner's thread only
  // Mirrors of the counters for progressFields(): written by the runner's thread only.
  private volatile long recordsTotal;
  private volatile long rowsTotal;
  private volatile long errorsTotal;
  private volatile long commitsTotal;
  private volatile long bufferedBytes;
  private volatile Long maxBehind;
  private volatile Double mean;

  private volatile boolean alive = true;
  private volatile String stoppedBy;
  private volatile String commitFailure;
  private volatile List<String> stalled = List.of();
  private volatile long version = -1;

  private RunMetrics(Clock clock) {
    this.clock = clock;
    // Explicit properties: the client would otherwise read system properties and a config file.
    PrometheusProperties p = PrometheusProperties.builder().build();
    recordsRead =
        Counter.builder(p)
            .name(MetricNames.RECORDS_READ)
            .help("Kinesis records taken from the stream (rows and error records).")
            .register(registry);
    rowsWritten =
        Counter.builder(p)
            .name(MetricNames.ROWS_WRITTEN)
            .help("Rows written to Arrow shards.")
            .register(registry);
    errorRecords =
        Counter.builder(p)
            .name(MetricNames.ERROR_RECORDS)
            .help("Records sent to the error output, by reason code.")
            .labelNames(MetricNames.REASON)
            .register(registry);
    millisBehind =
        Gauge.builder(p)
            .name(MetricNames.MILLIS_BEHIND_LATEST)
            .help("MillisBehindLatest of the shard's latest GetRecords answer.")
            .labelNames(MetricNames.SHARD)
            .register(registry);
    commits =
        Counter.builder(p)
            .name(MetricNames.COMMITS)
            .help("Manifest versions committed.")
            .register(registry);
    commitSeconds =
        Histogram.builder(p)
            .name(MetricNames.COMMIT_SECONDS)
            .help("Seconds per commit, uploads and retries included.")
            .classicOnly()
            .classicUpperBounds(COMMIT_BUCKETS)
            .register(registry);
    commitConflicts =
        Counter.builder(p)
            .name(MetricNames.COMMIT_CONFLICTS)
            .help("Commit attempts that lost a manifest version to another writer.")
            .register(registry);
    manifestVersion =
        Gauge.builder(p)
            .name(MetricNames.MANIFEST_VERSION)
            .help("The latest manifest version this runner knows committed.")
            .register(registry);
    bufferBytes =
        Gauge.builder(p)
            .name(MetricNames.BUFFER_BYTES)
            .help("Bytes of fetched records waiting to be processed.")
            .register(registry);
    wordCountMean =
        Gauge.builder(p)
            .name(MetricNames.WORD_COUNT_MEAN)
            .help("Mean word_count of the committed dataset.")
            .register(registry);
  }

  /** Metrics with nothing counted yet; healthy. */
  public static RunMetrics create() {
    return new RunMetrics(Clock.systemUTC());
  }

  /** The metrics in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The health now. */
  public Health health() {
    List<String> problems = new java.util.ArrayList<>();
    if (!alive) {
      problems.add("the processing loop stopped" + (stoppedBy == null ? "" : ": " + stoppedBy));
    }
    String failure = commitFailure;
    if (failure != null) {
      problems.add(failure);
    }
    stalled.forEach(s -> problems.add("stalled: " + s));
    return new Health(problems, version);
  }

  /**
   * The counters as fields of a progress log line ({@code --log-format json}): {@code
   * records_read}, {@code rows_written}, {@code error_records}, {@code commits}, {@code
   * manifest_version}, {@code buffer_bytes}, {@code max_millis_behind_latest} and {@code
   * word_count_mean} (null while unknown), {@code healthy}.
   */
  public Map<String, Object> progressFields() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("records_read", recordsTotal);
    f.put("rows_written", rowsTotal);
    f.put("error_records", errorsTotal);
    f.put("commits", commitsTotal);
    f.put("manifest_version", version);
    f.put("buffer_bytes", bufferedBytes);
    f.put("max_millis_behind_latest", maxBehind);
    f.put("word_count_mean", mean);
    f.put("healthy", health().healthy());
    return Collections.unmodifiableMap(f);
  }

  @Override
  public void started(long manifestVersion, FeatureStats wordCount) {
    version = manifestVersion;
    this.manifestVersion.set(manifestVersion);
    setMean(wordCount);
  }

  @Override
  public void recordsRead(int records, int rows) {
    recordsRead.inc(records);
    rowsWritten.inc(rows);
    recordsTotal += records;
    rowsTotal += rows;
  }

  @Override
  public void errorRecord(String reason) {
    errorRecords.labelValues(reason).inc();
    errorsTotal++;
  }

  @Override
  public void shardLag(String shardId, long millisBehindLatest) {
    if (millisBehindLatest >= 0) {
      lagByShard.put(shardId, millisBehindLatest);
      millisBehind.labelValues(shardId).set(millisBehindLatest);
      maxBehind = Collections.max(lagByShard.values());
    }
  }

  @Override
  public void shardEnded(String shardId) {
    if (lagByShard.remove(shardId) != null) {
      millisBehind.remove(shardId);
      maxBehind = lagByShard.isEmpty() ? null : Collections.max(lagByShard.values());
    }
  }

  @Override
  public void committed(long manifestVersion, Duration took, FeatureStats wordCount) {
    commits.inc();
    commitsTotal++;
    commitSeconds.observe(took.toNanos() / 1e9);
    version = manifestVersion;
    this.manifestVersion.set(manifestVersion);
    setMean(wordCount);
    commitFailure = null;
  }

  @Override
  public void commitConflict() {
    commitConflicts.inc();
  }

  @Override
  public void commitFailed(Throwable failure) {
    if (commitFailure == null) {
      commitFailure =
          "a commit failed at "
              + clock.instant()
              + ": "
              + failure.getClass().getSimpleName()
              + (failure.getMessage() == null ? "" : " " + firstLine(failure.getMessage()));
    }
  }

  @Override
  public void tick(long bufferedBytes, List<String> stalled) {
    bufferBytes.set(bufferedBytes);
    this.bufferedBytes = bufferedBytes;
    if (!stalled.equals(this.stalled)) {
      this.stalled = List.copyOf(stalled);
    }
  }

  @Override
  public void stopped(Throwable failure) {
    stoppedBy =
        failure == null
            ? null
            : failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : " " + firstLine(failure.getMessage()));
    alive = false;
  }

  private void setMean(FeatureStats wordCount) {
    if (!wordCount.isEmpty()) {
      mean = wordCount.mean();
      wordCountMean.set(mean);
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
