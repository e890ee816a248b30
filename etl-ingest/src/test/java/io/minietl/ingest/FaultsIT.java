package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.storage.ForwardingObjectStore;
import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.KinesisStreamProxy;
import io.minietl.kinesis.RecordBatch;
import io.minietl.kinesis.ShardDescription;
import io.minietl.kinesis.StartPosition;
import io.minietl.kinesis.StreamProxy;
import io.minietl.kinesis.ThrottledException;
import io.minietl.s3.S3ObjectStore;
import io.minietl.testing.KinesisEmulator;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Test 5 of the issue: an S3 that fails a share of its PUTs and a Kinesis that throttles and
 * expires iterators. The runner retries through all of it; every record lands exactly once.
 */
@LocalStack
class FaultsIT {
  @TempDir Path temp;

  private IngestOptions options() {
    return IngestOptions.builder()
        .tempDir(temp)
        .minCallInterval(Duration.ofMillis(10))
        .idlePollInterval(Duration.ofMillis(50))
        .recordsPerCall(100)
        .maxShardRows(150)
        .snapshotInterval(4)
        .progressInterval(Duration.ofSeconds(5))
        .stopWhenIdle(Duration.ofSeconds(1))
        .build();
  }

  @Test
  void s3FailuresAndUnknownCommitOutcomesNeitherLoseNorDuplicate(
      KinesisEmulator kinesis, S3Emulator s3) {
    String stream = kinesis.createStream(4);
    PutLog log = new PutLog();
    log.putBatch(kinesis.client(), stream, new Random(17), 0, 1200, 40, 0);
    // Below the store: every 4th PutObject answers 503 before it is sent (the SDK retries it).
    Fail503 interceptor = new Fail503();
    try (S3Client faulty =
        s3.clientBuilder()
            .overrideConfiguration(o -> o.addExecutionInterceptor(interceptor))
            .build()) {
      // Above it: the store's own failures, which the runner must ride out.
      FlakyStore store =
          new FlakyStore(
              S3ObjectStore.create(faulty, URI.create("s3://" + s3.createBucket() + "/ds")));

      RunSummary summary =
          IngestRunner.create(
                  KinesisStreamProxy.create(kinesis.client(), stream), store, options(), l -> {})
              .run();

      assertThat(summary.recordsRead()).isEqualTo(1200);
      assertThat(interceptor.failed.get()).isPositive();
      assertThat(store.failedPuts.get()).isPositive();
      assertThat(store.unknownApplied.get()).isPositive();
      assertThat(store.unknownNotApplied.get()).isPositive();
      log.assertExactlyOnce(store);
    }
  }

  @Test
  void throttlingAndExpiredIteratorsNeitherLoseNorDuplicate(
      KinesisEmulator kinesis, S3Emulator s3) {
    String stream = kinesis.createStream(4);
    PutLog log = new PutLog();
    log.putBatch(kinesis.client(), stream, new Random(19), 0, 1200, 40, 0);
    KinesisFaults faults = new KinesisFaults();
    // One attempt per call: the runner, not the SDK, must handle what the interceptor throws.
    try (KinesisClient faulty =
        kinesis
            .clientBuilder()
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(faults)
                        .retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(1)
                                .build()))
            .build()) {
      S3ObjectStore store =
          S3ObjectStore.create(s3.client(), URI.create("s3://" + s3.createBucket() + "/ds"));

      CountingProxy proxy = new CountingProxy(KinesisStreamProxy.create(faulty, stream));

      RunSummary summary = IngestRunner.create(proxy, store, options(), l -> {}).run();

      assertThat(summary.recordsRead()).isEqualTo(1200);
      assertThat(faults.throttled.get()).isPositive();
      assertThat(faults.expired.get()).isPositive();
      // The proxy turned the SDK's exceptions into the ones the runner acts on.
      assertThat(proxy.throttled.get()).isEqualTo(faults.throttled.get());
      assertThat(proxy.expired.get()).isEqualTo(faults.expired.get());
      log.assertExactlyOnce(store);
    }
  }

  /** Counts the typed exceptions the real proxy throws to the runner. */
  private static final class CountingProxy implements StreamProxy {
    final StreamProxy delegate;
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger expired = new AtomicInteger();

    CountingProxy(StreamProxy delegate) {
      this.delegate = delegate;
    }

    @Override
    public String streamName() {
      return delegate.streamName();
    }

    @Override
    public io.minietl.core.manifest.StreamIdentity identity() {
      return delegate.identity();
    }

    @Override
    public List<ShardDescription> listShards() {
      return delegate.listShards();
    }

    @Override
    public String shardIterator(String shardId, StartPosition position) {
      return delegate.shardIterator(shardId, position);
    }

    @Override
    public RecordBatch getRecords(String iterator, int limit) {
      try {
        return delegate.getRecords(iterator, limit);
      } catch (ThrottledException e) {
        throttled.incrementAndGet();
        throw e;
      } catch (io.minietl.kinesis.ExpiredIteratorException e) {
        expired.incrementAndGet();
        throw e;
      }
    }
  }

  /** Fails every 4th S3 PutObject with 503 Slow Down before it is sent. */
  private static final class Fail503 implements ExecutionInterceptor {
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
      if (context.request() instanceof PutObjectRequest && puts.incrementAndGet() % 4 == 0) {
        failed.incrementAndGet();
        throw S3Exception.builder()
            .statusCode(503)
            .message("Slow Down (injected)")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("SlowDown")
                    .errorMessage("injected")
                    .serviceName("S3")
                    .build())
            .build();
      }
    }
  }

  /**
   * Every 3rd GetRecords is throttled, every 7th finds its iterator expired: thrown before the
   * request is sent, so the emulator never sees it and the iterator stays where it was.
   */
  private static final class KinesisFaults implements ExecutionInterceptor {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    final AtomicInteger expired = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
      if (!(context.request() instanceof GetRecordsRequest)) {
        return;
      }
      int n = calls.incrementAndGet();
      if (n % 7 == 0) {
        expired.incrementAndGet();
        throw ExpiredIteratorException.builder()
            .statusCode(400)
            .message("Iterator expired (injected)")
            .awsErrorDetails(error("ExpiredIteratorException"))
            .build();
      }
      if (n % 3 == 0) {
        throttled.incrementAndGet();
        throw ProvisionedThroughputExceededException.builder()
            .statusCode(400)
            .message("Rate exceeded (injected)")
            .awsErrorDetails(error("ProvisionedThroughputExceededException"))
            .build();
      }
    }

    private static AwsErrorDetails error(String code) {
      return AwsErrorDetails.builder()
          .errorCode(code)
          .errorMessage("injected")
          .serviceName("Kinesis")
          .build();
    }
  }

  /**
   * An {@link ObjectStore} that throws on every 3rd put, and answers UNKNOWN to every 2nd
   * putIfAbsent: alternately after performing it and without performing it.
   */
  private static final class FlakyStore extends ForwardingObjectStore {
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger conditionalPuts = new AtomicInteger();
    final AtomicInteger failedPuts = new AtomicInteger();
    final AtomicInteger unknownApplied = new AtomicInteger();
    final AtomicInteger unknownNotApplied = new AtomicInteger();

    FlakyStore(ObjectStore delegate) {
      super(delegate);
    }

    private void maybeFail(String key) {
      if (puts.incrementAndGet() % 3 == 0) {
        failedPuts.incrementAndGet();
        throw new IllegalStateException("Injected failure of put " + key);
      }
    }

    @Override
    public void put(String key, byte[] bytes) {
      maybeFail(key);
      delegate.put(key, bytes);
    }

    @Override
    public void put(String key, Path file) {
      maybeFail(key);
      delegate.put(key, file);
    }

    @Override
    public PutResult putIfAbsent(String key, byte[] bytes) {
      int n = conditionalPuts.incrementAndGet();
      if (n % 4 == 1) {
        unknownNotApplied.incrementAndGet();
        return PutResult.UNKNOWN;
      }
      PutResult result = delegate.putIfAbsent(key, bytes);
      if (n % 4 == 2) {
        unknownApplied.incrementAndGet();
        return PutResult.UNKNOWN;
      }
      return result;
    }

    @Override
    public void delete(String key) {
      delegate.delete(key);
    }
  }
}
