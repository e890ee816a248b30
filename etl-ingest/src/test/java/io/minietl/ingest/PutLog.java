package io.minietl.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.error.ErrorRecord;
import io.minietl.core.feature.FeatureRegistry;
import io.minietl.core.feature.WordCount;
import io.minietl.core.format.ShardRow;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.stats.FeatureStats;
import io.minietl.core.storage.ObjectStore;
import io.minietl.kinesis.KplAggregation;
import io.minietl.testing.KinesisStreams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * What an integration test put into a Kinesis stream, keyed by {@code shardId/sequenceNumber} as
 * the put responses reported them (and {@code /subSequenceNumber} for the user records of a KPL
 * aggregate), and the assertions that the dataset holds exactly that. Thread safe (a producer
 * thread may record while the test thread reads). Public for etl-flink's tests of the same dataset
 * (the test jar).
 */
public final class PutLog {
  private static final int WORD_COUNT = FeatureRegistry.defaults().indexOf("word_count");
  private static final String[] WORDS = {
    "the", "market", "rallied", "after", "central", "bank", "signalled", "rates", "would", "hold",
    "steady", "analysts", "said", "naïve", "café", "über", "résumé", "東京", "ünïcödé", "e.g.",
    "—", "3.5%", "Q4", "mid-term"
  };
  // Word separators, some of them not ASCII: etl-core counts like Python's str.split().
  private static final String[] SPACES = {" ", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2003"};

  /** One malformed record per reason the parser has, with the maximum sizes of {@link #limits}. */
  public static final Map<String, byte[]> MALFORMED = malformed();

  /** The record size limit the malformed samples assume: too_large above 8 KiB. */
  public static final int MAX_RECORD_BYTES = 8 * 1024;

  /** The nesting limit the malformed samples assume: too_deep above 16. */
  public static final int MAX_NESTING_DEPTH = 16;

  /** The record limits the malformed samples assume. */
  static IngestOptions.Builder limits(IngestOptions.Builder b) {
    return b.maxRecordBytes(MAX_RECORD_BYTES).maxNestingDepth(MAX_NESTING_DEPTH);
  }

  private final Map<String, String> validContent = new LinkedHashMap<>();
  private final Map<String, String> invalidReason = new LinkedHashMap<>();
  private final Map<String, List<String>> orderByKey = new HashMap<>();

  static String id(String shardId, String sequenceNumber) {
    return id(shardId, sequenceNumber, null);
  }

  /** A record's identity: shard, sequence number and, for a KPL user record, sub-sequence. */
  static String id(String shardId, String sequenceNumber, Long subSequenceNumber) {
    return shardId
        + "/"
        + sequenceNumber
        + (subSequenceNumber == null ? "" : "/" + subSequenceNumber);
  }

  /** Article content of roughly {@code bytes} UTF-8 bytes from the seeded {@code random}. */
  static String content(Random random, int bytes) {
    StringBuilder s = new StringBuilder();
    if (random.nextInt(10) == 0) {
      s.append(SPACES[random.nextInt(SPACES.length)]); // leading whitespace now and then
    }
    while (s.length() < bytes) {
      s.append(WORDS[random.nextInt(WORDS.length)]);
      s.append(SPACES[random.nextInt(SPACES.length)]);
    }
    return s.toString();
  }

  /** A valid article record as JSON. */
  static String article(String id, String content) {
    return "{\"article_id\":\""
        + id
        + "\",\"title\":\"Title "
        + id
        + "\",\"author\":null,\"publish_date\":\"2024-05-01T10:00:00Z\",\"content\":"
        + jsonString(content)
        + ",\"tags\":[\"a\",\"b\"]}";
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  private static Map<String, byte[]> malformed() {
    Map<String, byte[]> m = new LinkedHashMap<>();
    byte[] prefix = "{\"article_id\":\"u\",\"content\":\"caf".getBytes(StandardCharsets.UTF_8);
    byte[] notUtf8 = new byte[prefix.length + 4];
    System.arraycopy(prefix, 0, notUtf8, 0, prefix.length);
    notUtf8[prefix.length] = (byte) 0xC3; // a lead byte followed by ASCII: invalid UTF-8
    notUtf8[prefix.length + 1] = '(';
    notUtf8[prefix.length + 2] = '"';
    notUtf8[prefix.length + 3] = '}';
    m.put("not_utf8", notUtf8);
    m.put("not_json", utf8("{\"article_id\":\"j\",\"content\":"));
    m.put("not_an_object", utf8("[\"article_id\",\"content\"]"));
    m.put("missing_field", utf8("{\"article_id\":\"m\",\"title\":\"no content\"}"));
    m.put("wrong_type", utf8("{\"article_id\":42,\"content\":\"x\"}"));
    m.put("too_large", utf8(article("big", "word ".repeat(2000))));
    m.put(
        "too_deep",
        utf8(
            "{\"article_id\":\"d\",\"content\":\"x\",\"nested\":"
                + "[".repeat(40)
                + "]".repeat(40)
                + "}"));
    return Map.copyOf(m);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  synchronized void valid(String shardId, String seq, String partitionKey, String content) {
    valid(id(shardId, seq), partitionKey, content);
  }

  private synchronized void valid(String id, String partitionKey, String content) {
    validContent.put(id, content);
    orderByKey.computeIfAbsent(partitionKey, k -> new ArrayList<>()).add(id);
  }

  synchronized void invalid(String shardId, String seq, String reason) {
    invalidReason.put(id(shardId, seq), reason);
  }

  public synchronized int validCount() {
    return validContent.size();
  }

  public synchronized int invalidCount() {
    return invalidReason.size();
  }

  public synchronized int total() {
    return validContent.size() + invalidReason.size();
  }

  synchronized List<String> contents() {
    return List.copyOf(validContent.values());
  }

  /**
   * Puts {@code count} records with PutRecords: articles of 1-2 KB and, every {@code
   * malformedEvery}-th record (0: never), a malformed one (the reasons in turn). Partition keys are
   * {@code key-0..key-(keys-1)}.
   */
  public void putBatch(
      KinesisClient client,
      String stream,
      Random random,
      int from,
      int count,
      int keys,
      int malformedEvery) {
    List<String> reasons = List.copyOf(new java.util.TreeSet<>(MALFORMED.keySet()));
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    List<String> contentOrReason = new ArrayList<>();
    List<Boolean> isValid = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      String key = "key-" + random.nextInt(keys);
      byte[] data;
      if (malformedEvery > 0 && i % malformedEvery == malformedEvery - 1) {
        String reason = reasons.get((i / malformedEvery) % reasons.size());
        data = MALFORMED.get(reason);
        contentOrReason.add(reason);
        isValid.add(false);
      } else {
        String content = content(random, 1000 + random.nextInt(1000));
        data = utf8(article("a-" + i, content));
        contentOrReason.add(content);
        isValid.add(true);
      }
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(key)
              .data(SdkBytes.fromByteArrayUnsafe(data))
              .build());
    }
    List<PutRecordsResultEntry> results = KinesisStreams.putRecords(client, stream, entries);
    for (int k = 0; k < entries.size(); k++) {
      PutRecordsResultEntry r = results.get(k);
      if (isValid.get(k)) {
        valid(
            r.shardId(), r.sequenceNumber(), entries.get(k).partitionKey(), contentOrReason.get(k));
      } else {
        invalid(r.shardId(), r.sequenceNumber(), contentOrReason.get(k));
      }
    }
  }

  /**
   * Puts {@code aggregates} KPL-aggregated Kinesis records ({@link KplAggregation}) with
   * PutRecords, each of {@code perAggregate} user records under the aggregate's partition key (so
   * that they keep their order with the key's other records): articles, the second one of each
   * aggregate malformed ({@code not_json}); then one aggregate whose MD5 trailer is wrong (one
   * {@code kpl_corrupt} error record).
   */
  public void putAggregated(
      KinesisClient client,
      String stream,
      Random random,
      int from,
      int aggregates,
      int perAggregate,
      int keys) {
    List<PutRecordsRequestEntry> entries = new ArrayList<>();
    List<List<String>> contents = new ArrayList<>(); // null: the malformed user record
    int i = from;
    for (int a = 0; a <= aggregates; a++) {
      String key = "key-" + random.nextInt(keys);
      List<KplAggregation.UserRecord> users = new ArrayList<>();
      List<String> inner = new ArrayList<>();
      for (int u = 0; u < perAggregate; u++, i++) {
        if (u == 1) {
          users.add(new KplAggregation.UserRecord(u, key, null, MALFORMED.get("not_json")));
          inner.add(null);
        } else {
          String content = content(random, 300 + random.nextInt(700));
          users.add(new KplAggregation.UserRecord(u, key, null, utf8(article("k-" + i, content))));
          inner.add(content);
        }
      }
      byte[] bytes = KplAggregation.aggregate(users);
      if (a == aggregates) {
        bytes[bytes.length - 1] ^= 1; // the corrupt one
      }
      contents.add(inner);
      entries.add(
          PutRecordsRequestEntry.builder()
              .partitionKey(key)
              .data(SdkBytes.fromByteArrayUnsafe(bytes))
              .build());
    }
    List<PutRecordsResultEntry> results = KinesisStreams.putRecords(client, stream, entries);
    for (int a = 0; a < entries.size(); a++) {
      PutRecordsResultEntry r = results.get(a);
      if (a == aggregates) {
        invalid(r.shardId(), r.sequenceNumber(), "kpl_corrupt");
        continue;
      }
      List<String> inner = contents.get(a);
      for (int u = 0; u < inner.size(); u++) {
        String id = id(r.shardId(), r.sequenceNumber(), (long) u);
        if (inner.get(u) == null) {
          synchronized (this) {
            invalidReason.put(id, "not_json");
          }
        } else {
          valid(id, entries.get(a).partitionKey(), inner.get(u));
        }
      }
    }
  }

  /**
   * Puts one valid article with PutRecord and waits for the answer, so that the put order of a
   * partition key is the order of these calls.
   */
  public void putOne(KinesisClient client, String stream, Random random, int i, String key) {
    String content = content(random, 200 + random.nextInt(300));
    PutRecordResponse r =
        client.putRecord(
            b ->
                b.streamName(stream)
                    .partitionKey(key)
                    .data(SdkBytes.fromUtf8String(article("a-" + i, content))));
    valid(r.shardId(), r.sequenceNumber(), key, content);
  }

  /**
   * Asserts that the dataset holds every valid record exactly once with etl-core's word count,
   * every malformed one exactly once in errors/ with its reason, and that the manifest's statistics
   * and totals are those recomputed from the rows.
   */
  public synchronized Datasets.Contents assertExactlyOnce(ObjectStore store) {
    Datasets.Contents c = Datasets.read(store);
    List<String> rowIds =
        c.rows().stream()
            .map(
                r ->
                    id(
                        r.provenance().shardId(),
                        r.provenance().sequenceNumber(),
                        r.provenance().subSequenceNumber()))
            .toList();
    assertThat(rowIds).as("rows by shard/sequence").doesNotHaveDuplicates();
    assertThat(rowIds).containsExactlyInAnyOrderElementsOf(validContent.keySet());
    List<String> errorIds =
        c.errors().stream()
            .map(e -> id(e.shardId(), e.sequenceNumber(), e.subSequenceNumber()))
            .toList();
    assertThat(errorIds).as("error records by shard/sequence").doesNotHaveDuplicates();
    Map<String, String> reasons =
        c.errors().stream()
            .collect(
                Collectors.toMap(
                    e -> id(e.shardId(), e.sequenceNumber(), e.subSequenceNumber()),
                    ErrorRecord::reason));
    assertThat(reasons).isEqualTo(invalidReason);
    for (ShardRow row : c.rows()) {
      String content =
          validContent.get(
              id(
                  row.provenance().shardId(),
                  row.provenance().sequenceNumber(),
                  row.provenance().subSequenceNumber()));
      assertThat(row.article().content()).isEqualTo(content);
      assertThat(row.featureValues()[WORD_COUNT]).isEqualTo(WordCount.count(content));
    }
    long[] counts = c.rows().stream().mapToLong(r -> r.featureValues()[WORD_COUNT]).toArray();
    FeatureStats recomputed = FeatureStats.ofValues(counts);
    assertThat(c.state().stats("word_count")).isEqualTo(recomputed);
    assertThat(c.state().totalRows()).isEqualTo(validContent.size());
    assertThat(c.state().totalErrorRecords()).isEqualTo(invalidReason.size());
    DatasetState latest = DatasetMaintenance.latest(store);
    assertThat(latest.version()).isEqualTo(c.state().version());
    assertThat(latest.stats("word_count")).isEqualTo(recomputed);
    assertThat(latest.stats("word_count").mean())
        .isCloseTo(
            validContent.values().stream().mapToLong(WordCount::count).average().orElse(0),
            org.assertj.core.data.Offset.offset(1e-9));
    return c;
  }

  /** Asserts that for every partition key the rows, in dataset order, are in put order. */
  public synchronized void assertOrderPerKey(Datasets.Contents c) {
    Map<String, List<String>> seen = new HashMap<>();
    for (ShardRow row : c.rows()) {
      seen.computeIfAbsent(row.provenance().partitionKey(), k -> new ArrayList<>())
          .add(
              id(
                  row.provenance().shardId(),
                  row.provenance().sequenceNumber(),
                  row.provenance().subSequenceNumber()));
    }
    assertThat(seen.keySet()).isEqualTo(orderByKey.keySet());
    orderByKey.forEach(
        (key, put) -> assertThat(seen.get(key)).as("order of key %s", key).isEqualTo(put));
  }
}
