package io.minietl.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded Flink of local mode ({@code java -jar etl-flink.jar run} without a cluster, and the
 * tests): a MiniCluster in this JVM that listens on loopback only (without these settings its REST
 * endpoint and blob server bind every interface) and takes little memory beyond the job's.
 */
public final class LocalFlink {
  private LocalFlink() {}

  /** The loopback, small-memory settings; add to them before {@link #environment}. */
  public static Configuration configuration() {
    Configuration c = new Configuration();
    c.setString("rest.bind-address", "127.0.0.1");
    c.setString("rest.address", "127.0.0.1");
    c.setString("rest.port", "0");
    c.setString("jobmanager.bind-host", "127.0.0.1");
    c.setString("jobmanager.rpc.address", "127.0.0.1");
    c.setString("taskmanager.bind-host", "127.0.0.1");
    c.setString("taskmanager.host", "127.0.0.1");
    c.setString("taskmanager.memory.network.min", "16m");
    c.setString("taskmanager.memory.network.max", "16m");
    c.setString("taskmanager.memory.managed.size", "16m");
    return c;
  }

  /** A local environment of {@code parallelism} slots with {@code configuration}. */
  public static StreamExecutionEnvironment environment(
      int parallelism, Configuration configuration) {
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, configuration);
  }
}
