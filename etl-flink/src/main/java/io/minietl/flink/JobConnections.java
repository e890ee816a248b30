package io.minietl.flink;

import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.aws.AwsClients;
import io.minietl.s3.DatasetLocation;
import java.io.Serializable;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Where the job reads and writes: the stream, the dataset and the AWS settings to reach them,
 * serializable so that each Flink task (enumerator, readers, writers, committer) opens its own
 * clients where it runs. The settings are those of etl-ingest ({@link AwsClients}): an explicit
 * endpoint, else {@code AWS_ENDPOINT_URL*}, {@code AWS_REGION} and the credentials in {@code
 * environment}, else the SDK's default chains <em>of the process the task runs in</em>. Hence on a
 * cluster an empty environment means the TaskManagers' (and JobManager's) own AWS configuration.
 *
 * <p>The dataset is opened as the runner opens it ({@link DatasetLocation}): on S3, or in a local
 * directory ({@code file:///path}), which only makes sense where every task runs on the machine
 * that has the directory (the CLI's local mode).
 */
public final class JobConnections implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String streamName;
  private final URI dataset;
  private final HashMap<String, String> environment;
  private final URI endpoint;
  private final StoreWrapper storeWrapper;

  /** Wraps each task's store (tests inject faults at the store: a crash after a commit). */
  interface StoreWrapper extends Serializable {
    ObjectStore wrap(ObjectStore store);
  }

  private JobConnections(
      String streamName,
      URI dataset,
      Map<String, String> environment,
      URI endpoint,
      StoreWrapper storeWrapper) {
    this.streamName = Objects.requireNonNull(streamName, "streamName");
    this.dataset = DatasetLocation.of(Objects.requireNonNull(dataset, "dataset")).uri();
    this.environment = new HashMap<>(environment);
    this.endpoint = endpoint;
    this.storeWrapper = storeWrapper;
  }

  /**
   * The stream {@code streamName} and the dataset at {@code dataset} ({@code s3://bucket/prefix} or
   * {@code file:///path}), reached with the AWS settings of {@code environment} (the variables
   * etl-ingest reads) and {@code endpoint} (null: none beyond the environment's).
   *
   * @throws IllegalArgumentException if {@code dataset} is neither an S3 nor a file URI
   */
  public static JobConnections of(
      String streamName, URI dataset, Map<String, String> environment, URI endpoint) {
    return new JobConnections(streamName, dataset, environment, endpoint, null);
  }

  /** These connections with every task's store wrapped by {@code wrapper}. */
  JobConnections withStoreWrapper(StoreWrapper wrapper) {
    return new JobConnections(streamName, dataset, environment, endpoint, wrapper);
  }

  public String streamName() {
    return streamName;
  }

  public URI dataset() {
    return dataset;
  }

  /** Opens clients; the caller closes the result. */
  Opened open() {
    AwsClients clients = AwsClients.builder().environment(environment).endpoint(endpoint).build();
    return new Opened(clients, streamName, DatasetLocation.of(dataset), storeWrapper);
  }

  /** The clients of one task, created on first use. Not thread safe to open; use is. */
  static final class Opened implements AutoCloseable {
    private final AwsClients clients;
    private final String streamName;
    private final DatasetLocation dataset;
    private final StoreWrapper storeWrapper;
    private KinesisClient kinesis;
    private S3Client s3; // built only for a dataset on S3

    private Opened(
        AwsClients clients, String streamName, DatasetLocation dataset, StoreWrapper storeWrapper) {
      this.clients = clients;
      this.streamName = streamName;
      this.dataset = dataset;
      this.storeWrapper = storeWrapper;
    }

    synchronized StreamProxy stream() {
      if (kinesis == null) {
        kinesis = clients.newKinesisClient();
      }
      return KinesisStreamProxy.create(kinesis, streamName);
    }

    synchronized ObjectStore store() {
      ObjectStore store = dataset.open(this::s3);
      return storeWrapper == null ? store : storeWrapper.wrap(store);
    }

    private synchronized S3Client s3() {
      if (s3 == null) {
        s3 = clients.newS3Client();
      }
      return s3;
    }

    @Override
    public synchronized void close() {
      if (kinesis != null) {
        kinesis.close();
      }
      if (s3 != null) {
        s3.close();
      }
    }
  }
}
