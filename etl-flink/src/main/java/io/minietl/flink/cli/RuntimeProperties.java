package io.minietl.flink.cli;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The job's command line on Amazon Managed Service for Apache Flink, which starts the main class
 * without program arguments and hands the application its runtime properties instead: the property
 * group {@value #GROUP}, each key a flag of {@code run} without its dashes ({@code stream}, {@code
 * dataset}, {@code parallelism}, {@code checkpoint-interval}, …), each value that flag's value. One
 * list of options, the CLI's: an unknown key is an unknown flag (exit 2, one line), a bad value is
 * rejected as on the command line.
 */
final class RuntimeProperties {
  /** The property group the job reads. */
  static final String GROUP = "MiniEtlOptions";

  private RuntimeProperties() {}

  /**
   * The runtime properties of this process ({@link KinesisAnalyticsRuntime}: the file Managed
   * Service for Apache Flink writes); empty where there is none (any other machine).
   */
  static Map<String, Properties> load() {
    try {
      return KinesisAnalyticsRuntime.getApplicationProperties();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the Managed Flink runtime properties", e);
    }
  }

  /**
   * {@code run --key value ...} from the group {@value #GROUP} of {@code groups}, keys in sorted
   * order; empty when the group is absent.
   */
  static List<String> arguments(Map<String, Properties> groups) {
    Properties group = groups.get(GROUP);
    if (group == null) {
      return List.of();
    }
    List<String> args = new ArrayList<>(List.of("run"));
    for (String key : new TreeSet<>(group.stringPropertyNames())) {
      args.add(key.startsWith("-") ? key : "--" + key);
      args.add(group.getProperty(key));
    }
    return args;
  }
}
