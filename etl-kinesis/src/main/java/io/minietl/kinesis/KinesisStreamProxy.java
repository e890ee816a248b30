package io.minietl.kinesis;

import io.minietl.core.manifest.StreamIdentity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;

/**
 * {@link StreamProxy} over a synchronous AWS SDK v2 {@link KinesisClient} (polling: ListShards,
 * GetShardIterator, GetRecords). Works against Kinesis, LocalStack, kinesis-local and kinesalite.
 *
 * <p>The stream is named by its name or, if it starts with {@code arn:}, its ARN (kinesalite does
 * not support ARNs). The client's own retry policy applies first (see {@code AwsClients}); what
 * still fails is mapped as {@link StreamProxy} describes: {@code ProvisionedThroughputExceeded},
 * {@code LimitExceeded} and {@code KMSThrottling} to {@link ThrottledException}, {@code
 * ExpiredIterator} to {@link ExpiredIteratorException}, {@code ResourceNotFound} to {@link
 * StreamNotFoundException}, {@code InvalidArgument} on GetShardIterator at a sequence number to
 * {@link InvalidPositionException}, other {@code InvalidArgument} to {@link
 * IllegalArgumentException}; other SDK exceptions pass through unchanged (unchecked; retry with
 * backoff).
 *
 * <p>Emulator differences the runner must not depend on: kinesalite ignores a ListShards {@code
 * ShardFilter} (never sent here) and reports no ChildShards in GetRecords (find children with
 * {@link #listShards()}, whose parents are right on both); kinesis-local reports {@code
 * EndingSequenceNumber} 9223372036854775807 for every closed shard, so an ending sequence number
 * says that a shard is closed, not which record is its last: a shard is read to its end when
 * GetRecords returns a null next iterator.
 *
 * <p>Thread safe (the client is). The client is not closed by this class.
 */
public final class KinesisStreamProxy implements StreamProxy {
  /** GetRecords' maximum {@code Limit}. */
  public static final int MAX_RECORDS_PER_CALL = 10_000;

  private final KinesisClient client;
  private final String stream;
  private final boolean byArn;
  private final Integer listShardsPageSize;

  KinesisStreamProxy(KinesisClient client, String stream, Integer listShardsPageSize) {
    this.client = Objects.requireNonNull(client, "client");
    this.stream = Objects.requireNonNull(stream, "streamName");
    if (stream.isBlank()) {
      throw new IllegalArgumentException("Invalid stream name '': must not be empty");
    }
    this.byArn = stream.startsWith("arn:");
    this.listShardsPageSize = listShardsPageSize;
  }

  /**
   * A proxy for {@code streamName} (a name, or an ARN) through {@code client}. Makes no call: an
   * unknown stream shows at the first call, as {@link StreamNotFoundException}.
   */
  public static KinesisStreamProxy create(KinesisClient client, String streamName) {
    return new KinesisStreamProxy(client, streamName, null);
  }

  @Override
  public String streamName() {
    return stream;
  }

  @Override
  public StreamIdentity identity() {
    DescribeStreamSummaryRequest.Builder request = DescribeStreamSummaryRequest.builder();
    if (byArn) {
      request.streamARN(stream);
    } else {
      request.streamName(stream);
    }
    StreamDescriptionSummary summary =
        call("DescribeStreamSummary", () -> client.describeStreamSummary(request.build()))
            .streamDescriptionSummary();
    return StreamIdentity.of(summary.streamARN(), summary.streamCreationTimestamp());
  }

  @Override
  public List<ShardDescription> listShards() {
    List<ShardDescription> shards = new ArrayList<>();
    String nextToken = null;
    do {
      ListShardsRequest.Builder request =
          ListShardsRequest.builder().maxResults(listShardsPageSize);
      if (nextToken == null) {
        if (byArn) {
          request.streamARN(stream);
        } else {
          request.streamName(stream);
        }
      } else {
        // With a NextToken, the stream must not be named again (InvalidArgument).
        request.nextToken(nextToken);
      }
      ListShardsResponse response = call("ListShards", () -> client.listShards(request.build()));
      for (Shard shard : response.shards()) {
        shards.add(describe(shard));
      }
      nextToken = response.nextToken();
    } while (nextToken != null);
    return shards;
  }

  @Override
  public String shardIterator(String shardId, StartPosition position) {
    Objects.requireNonNull(shardId, "shardId");
    Objects.requireNonNull(position, "position");
    GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder().shardId(shardId);
    if (byArn) {
      request.streamARN(stream);
    } else {
      request.streamName(stream);
    }
    switch (position.type()) {
      case TRIM_HORIZON -> request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
      case LATEST -> request.shardIteratorType(ShardIteratorType.LATEST);
      case AT_TIMESTAMP ->
          request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP).timestamp(position.timestamp());
      case AFTER_SEQUENCE_NUMBER ->
          request
              // Inside an aggregated record: read it again, the caller drops what it is past.
              .shardIteratorType(
                  position.subSequenceNumber() == null
                      ? ShardIteratorType.AFTER_SEQUENCE_NUMBER
                      : ShardIteratorType.AT_SEQUENCE_NUMBER)
              .startingSequenceNumber(position.sequenceNumber());
    }
    try {
      return call("GetShardIterator", () -> client.getShardIterator(request.build()))
          .shardIterator();
    } catch (IllegalArgumentException e) {
      if (position.sequenceNumber() == null) {
        throw e;
      }
      throw new InvalidPositionException(
          "Cannot read shard "
              + shardId
              + " of stream "
              + stream
              + " after sequence number "
              + position.sequenceNumber()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public RecordBatch getRecords(String iterator, int limit) {
    Objects.requireNonNull(iterator, "iterator");
    if (limit < 1 || limit > MAX_RECORDS_PER_CALL) {
      throw new IllegalArgumentException(
          "Invalid record limit " + limit + ": must be in 1.." + MAX_RECORDS_PER_CALL);
    }
    GetRecordsRequest request =
        GetRecordsRequest.builder().shardIterator(iterator).limit(limit).build();
    GetRecordsResponse response = call("GetRecords", () -> client.getRecords(request));
    return toBatch(response);
  }

  @Override
  public String toString() {
    return "KinesisStreamProxy[" + stream + "]";
  }

  static ShardDescription describe(Shard shard) {
    List<String> parents = new ArrayList<>(2);
    if (shard.parentShardId() != null) {
      parents.add(shard.parentShardId());
    }
    if (shard.adjacentParentShardId() != null) {
      parents.add(shard.adjacentParentShardId());
    }
    var range = shard.sequenceNumberRange();
    return new ShardDescription(
        shard.shardId(),
        parents,
        range == null ? null : range.startingSequenceNumber(),
        range == null ? null : range.endingSequenceNumber());
  }

  static RecordBatch toBatch(GetRecordsResponse response) {
    List<StreamRecord> records = new ArrayList<>(response.records().size());
    long bytes = 0;
    for (Record record : response.records()) {
      Instant arrival = record.approximateArrivalTimestamp();
      Instant at = arrival != null ? arrival : Instant.EPOCH;
      // The unmarshaller decodes into a fresh array nobody else holds: no copy needed.
      byte[] data = record.data().asByteArrayUnsafe();
      bytes += data.length;
      addRecords(records, record.sequenceNumber(), record.partitionKey(), at, data);
    }
    List<String> children = new ArrayList<>();
    if (response.hasChildShards()) {
      for (ChildShard child : response.childShards()) {
        children.add(child.shardId());
      }
    }
    // Kinesis always sends MillisBehindLatest; treat a missing one as "caught up" rather than
    // inventing a lag.
    Long behind = response.millisBehindLatest();
    return new RecordBatch(
        records,
        response.nextShardIterator(),
        behind == null ? 0L : behind,
        children,
        response.records().size(),
        bytes);
  }

  /**
   * Adds the record, or the user records of a KPL aggregate (see {@link StreamRecord}), to {@code
   * out}.
   */
  static void addRecords(
      List<StreamRecord> out,
      String sequenceNumber,
      String partitionKey,
      Instant arrival,
      byte[] data) {
    if (!KplAggregation.isAggregated(data)) {
      out.add(new StreamRecord(sequenceNumber, partitionKey, arrival, data));
      return;
    }
    try {
      for (KplAggregation.UserRecord user : KplAggregation.deaggregate(data)) {
        out.add(
            new StreamRecord(
                sequenceNumber,
                (long) user.subSequenceNumber(),
                user.partitionKey(),
                arrival,
                user.data(),
                null));
      }
    } catch (CorruptAggregateException e) {
      out.add(new StreamRecord(sequenceNumber, null, partitionKey, arrival, data, e.getMessage()));
    }
  }

  private <T> T call(String operation, Supplier<T> call) {
    try {
      return call.get();
    } catch (SdkException e) {
      throw translate(operation, e);
    }
  }

  /** The typed exception {@link StreamProxy} promises for {@code e}, or {@code e} itself. */
  RuntimeException translate(String operation, SdkException e) {
    if (e instanceof ProvisionedThroughputExceededException
        || e instanceof LimitExceededException
        || e instanceof KmsThrottlingException) {
      return new ThrottledException(
          "Throttled by Kinesis on " + operation + " for stream " + stream + ": " + message(e), e);
    }
    if (e instanceof software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException) {
      return new ExpiredIteratorException(
          "Shard iterator expired on " + operation + " for stream " + stream + ": " + message(e),
          e);
    }
    if (e instanceof ResourceNotFoundException) {
      return new StreamNotFoundException(
          "Cannot find Kinesis stream "
              + stream
              + " "
              + where()
              + " ("
              + operation
              + ": "
              + message(e)
              + "): create it, or check the stream name, the region (AWS_REGION) and the endpoint"
              + " (AWS_ENDPOINT_URL_KINESIS / --endpoint)",
          e);
    }
    if (e instanceof InvalidArgumentException) {
      return new IllegalArgumentException(
          "Invalid " + operation + " request for stream " + stream + ": " + message(e), e);
    }
    return e;
  }

  private String where() {
    var config = client.serviceClientConfiguration();
    String region = config.region() == null ? "?" : config.region().id();
    return config
        .endpointOverride()
        .map(uri -> "at " + uri + " (region " + region + ")")
        .orElse("in region " + region);
  }

  private static String message(SdkException e) {
    if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException s
        && s.awsErrorDetails() != null
        && s.awsErrorDetails().errorMessage() != null) {
      return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
    }
    return e.getMessage();
  }
}
