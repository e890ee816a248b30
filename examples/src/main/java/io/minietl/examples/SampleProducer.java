package io.minietl.examples;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts records into a Kinesis stream with PutRecords, in batches of at most 500 records and 5 MiB
 * (the API's limits), the partition key of each record being its article id.
 *
 * <p>PutRecords is not atomic: some entries of a call may fail (throttling, {@code
 * ProvisionedThroughputExceededException}, internal errors) while the rest succeed. Failed entries
 * are sent again, alone, after an exponential backoff with full jitter (100 ms doubling up to 5 s),
 * up to {@link Builder#maxAttempts(int)} times; then {@link #put} throws. Whole-call failures
 * (network, 5xx) are retried by the SDK's own retry strategy first. A retried entry may land twice
 * only if Kinesis stored it but reported a failure, which the API does not do.
 *
 * <p>Not thread safe; the caller owns and closes the client.
 */
public final class SampleProducer {
  /** PutRecords limits. */
  static final int MAX_BATCH_RECORDS = 500;

  static final long MAX_BATCH_BYTES = 5L * 1024 * 1024;

  private final KinesisClient kinesis;
  private final String stream;
  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final List<PutRecordsRequestEntry> batch = new ArrayList<>(MAX_BATCH_RECORDS);
  private long batchBytes;
  private long recordsPut;
  private long bytesPut;
  private long retriedEntries;

  private SampleProducer(Builder builder) {
    this.kinesis = Objects.requireNonNull(builder.kinesis, "kinesis");
    this.stream = Objects.requireNonNull(builder.stream, "stream");
    this.maxAttempts = builder.maxAttempts;
    this.baseDelay = builder.baseDelay;
    this.maxDelay = builder.maxDelay;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Adds a record to the current batch, sending the batch first if the record does not fit. */
  public void put(String partitionKey, byte[] data) {
    long size = size(partitionKey, data);
    if (batch.size() == MAX_BATCH_RECORDS || batchBytes + size > MAX_BATCH_BYTES) {
      flush();
    }
    batch.add(
        PutRecordsRequestEntry.builder()
            .partitionKey(partitionKey)
            .data(SdkBytes.fromByteArray(data))
            .build());
    batchBytes += size;
  }

  /**
   * Sends the current batch, retrying failed entries.
   *
   * @throws IllegalStateException if entries still fail after {@code maxAttempts}
   */
  public void flush() {
    if (batch.isEmpty()) {
      return;
    }
    List<PutRecordsRequestEntry> pending = new ArrayList<>(batch);
    batch.clear();
    batchBytes = 0;
    for (int attempt = 1; ; attempt++) {
      List<PutRecordsRequestEntry> sent = List.copyOf(pending);
      PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(sent));
      pending.clear();
      String lastError = null;
      List<PutRecordsResultEntry> results = response.records();
      for (int i = 0; i < sent.size(); i++) {
        PutRecordsResultEntry result = i < results.size() ? results.get(i) : null;
        if (result == null || result.errorCode() != null) {
          pending.add(sent.get(i));
          lastError =
              result == null ? "no result" : result.errorCode() + ": " + result.errorMessage();
        } else {
          recordsPut++;
          bytesPut += size(sent.get(i).partitionKey(), sent.get(i).data().asByteArrayUnsafe());
        }
      }
      if (pending.isEmpty()) {
        return;
      }
      if (attempt >= maxAttempts) {
        throw new IllegalStateException(
            "Cannot put "
                + pending.size()
                + " record(s) into stream "
                + stream
                + " after "
                + attempt
                + " attempts; last error "
                + lastError);
      }
      retriedEntries += pending.size();
      sleep(delay(attempt));
    }
  }

  /** Records accepted by the stream so far. */
  public long recordsPut() {
    return recordsPut;
  }

  /** Bytes (data and partition keys) of the records accepted so far, roughly. */
  public long bytesPut() {
    return bytesPut;
  }

  /** Entries that failed once and were sent again. */
  public long retriedEntries() {
    return retriedEntries;
  }

  private static long size(String partitionKey, byte[] data) {
    return (long) data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length;
  }

  private Duration delay(int attempt) {
    long ceiling = baseDelay.toMillis() << Math.min(attempt - 1, 20);
    ceiling = Math.min(ceiling, maxDelay.toMillis());
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while retrying PutRecords", e);
    }
  }

  /** Settings; not thread safe. */
  public static final class Builder {
    private KinesisClient kinesis;
    private String stream;
    private int maxAttempts = 10;
    private Duration baseDelay = Duration.ofMillis(100);
    private Duration maxDelay = Duration.ofSeconds(5);

    private Builder() {}

    public Builder kinesis(KinesisClient kinesis) {
      this.kinesis = kinesis;
      return this;
    }

    public Builder stream(String stream) {
      this.stream = stream;
      return this;
    }

    /** Attempts per entry, the first included; default 10. */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("Invalid maxAttempts " + maxAttempts + ": must be >= 1");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Backoff of retried entries: base and cap of the jittered exponential delay. */
    public Builder backoff(Duration base, Duration max) {
      this.baseDelay = Objects.requireNonNull(base, "base");
      this.maxDelay = Objects.requireNonNull(max, "max");
      return this;
    }

    public SampleProducer build() {
      return new SampleProducer(this);
    }
  }
}
