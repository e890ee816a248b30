package io.minietl.flink;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for tests that keeps every metric registered (its name, its group's
 * variables and the live object), so a test reads the counters after a job: Flink's own reporter
 * interface, as the Prometheus reporter gets them. Configure with {@code
 * metrics.reporter.collect.factory.class: io.minietl.flink.CollectingReporter$Factory}; the factory
 * is also listed in the test resources' {@code META-INF/services} (Flink finds reporter factories
 * through the ServiceLoader, then picks the configured class).
 */
public final class CollectingReporter implements MetricReporter {
  /** One registered metric. */
  public record Registered(String name, Map<String, String> variables, Metric metric) {}

  static final List<Registered> METRICS = new CopyOnWriteArrayList<>();

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    METRICS.add(new Registered(name, Map.copyOf(group.getAllVariables()), metric));
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    // Kept: the test reads the counters after the job ended.
  }

  /** The factory Flink instantiates by class name. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CollectingReporter();
    }
  }
}
