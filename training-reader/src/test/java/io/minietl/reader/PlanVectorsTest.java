package io.minietl.reader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minietl.core.format.ShardCompression;
import io.minietl.core.format.ShardSummary;
import io.minietl.core.format.ShardWriter;
import io.minietl.core.manifest.DatasetState;
import io.minietl.core.manifest.ManifestLog;
import io.minietl.core.manifest.ShardEntry;
import io.minietl.core.record.Article;
import io.minietl.core.record.Provenance;
import io.minietl.core.storage.LocalObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared plan vectors ({@code testdata/plan-vectors}, the cross-language contract of {@code
 * docs/DESIGN.md}, "The epoch plan"): a fixture dataset of six shards in four versions and, for
 * each spec, every rank's batches (article ids, padding marked) and positions. The Python reader's
 * tests check the same file. A change to the plan must change the vectors on purpose:
 *
 * <pre>
 * mvn -B -ntp verify -pl training-reader -am -Dtest=PlanVectorsTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dminietl.vectors.write=true
 * </pre>
 *
 * rewrites the dataset and the vectors from this implementation (then review the diff).
 */
class PlanVectorsTest {
  static final Path ROOT = Path.of("..", "testdata", "plan-vectors");
  static final Path DATASET = ROOT.resolve("dataset");
  static final Path VECTORS = ROOT.resolve("vectors.json");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Id forms: ASCII, non-ASCII (Latin, CJK, emoji), and characters JSON must escape or not. */
  private static final String[] ID_FORMS = {
    "a-%d",
    "ü-%d",
    "記事-%d",
    "🙂-%d",
    "q\"uote-%d",
    "back\\slash-%d",
    "tab\t%d",
    "sep\u2028%d",
    "sl/ash-%d"
  };

  private static JsonNode vectors;

  @BeforeAll
  static void load() throws IOException {
    if (Boolean.getBoolean("minietl.vectors.write")) {
      writeDataset();
      Files.writeString(
          VECTORS,
          JSON.writer(
                      new DefaultPrettyPrinter()
                          .withArrayIndenter(DefaultPrettyPrinter.NopIndenter.instance))
                  .writeValueAsString(compute())
              + "\n");
    }
    vectors = JSON.readTree(VECTORS.toFile());
  }

  // ------------------------------------------------------------------ the fixture

  static String articleId(int n) {
    return String.format(ID_FORMS[n % ID_FORMS.length], n);
  }

  static int wordCount(int n) {
    return (n * 7) % 23 + 1;
  }

  private static void writeDataset() throws IOException {
    if (Files.exists(DATASET)) {
      try (Stream<Path> files = Files.walk(DATASET)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    LocalObjectStore store = LocalObjectStore.create(DATASET);
    int id = 0;
    id = commit(store, id, 4, 13, 9);
    id = commit(store, id, 5, 11);
    id = commit(store, id, 3, 6, 17);
    commit(store, id, 4, 5);
  }

  private static int commit(LocalObjectStore store, int id, int rowsPerBatch, int... shards) {
    ManifestLog log = new ManifestLog(store);
    DatasetState state = log.load();
    long v = state.version() + 1;
    DatasetState.NextVersion next =
        state
            .nextVersion()
            .snapshotInterval(3)
            .writerId("plan-vectors")
            .committedAt(TestDatasets.T0.plusSeconds(60 * v));
    for (int s = 0; s < shards.length; s++) {
      String path = "data/dt=2026-11-28/part-v" + v + "-" + s + ".arrow";
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ShardSummary summary;
      try (ShardWriter w =
          ShardWriter.builder()
              .output(out)
              .features(TestDatasets.FEATURES)
              .compression(ShardCompression.ZSTD)
              .rowsPerBatch(rowsPerBatch)
              .build()) {
        for (int r = 0; r < shards[s]; r++, id++) {
          Article a =
              Article.builder()
                  .articleId(articleId(id))
                  .title("title " + id)
                  .content("word ".repeat(wordCount(id) - 1) + "end")
                  .build();
          w.append(
              a,
              Provenance.of(
                  "shardId-000000000000",
                  Integer.toString(1000 + id),
                  "pk-" + id,
                  TestDatasets.T0.plusSeconds(id),
                  TestDatasets.T0.plusSeconds(60 * v)),
              TestDatasets.FEATURES.computeAll(a));
        }
        summary = w.finish();
      }
      store.put(path, out.toByteArray());
      next.addShard(
          ShardEntry.builder()
              .path(path)
              .summary(summary)
              .compression("zstd")
              .minIngestionTime(TestDatasets.T0.plusSeconds(60 * v))
              .maxIngestionTime(TestDatasets.T0.plusSeconds(60 * v))
              .build());
    }
    if (log.commit(next.build()) != ManifestLog.Outcome.COMMITTED) {
      throw new IllegalStateException("commit conflict in " + DATASET);
    }
    return id;
  }

  // ------------------------------------------------------------------ the specs

  private static ObjectNode spec(String name, int version, int batch, int world) {
    ObjectNode s = F.objectNode();
    s.put("name", name);
    s.put("version", version);
    s.put("batch_size", batch);
    s.set("columns", F.arrayNode().add("article_id"));
    s.putNull("seed");
    s.put("epoch", 0);
    s.put("world_size", world);
    s.put("window_units", ReadSpec.DEFAULT_WINDOW_UNITS);
    s.putNull("split");
    s.put("train_fraction", 0.0);
    s.putNull("between");
    s.put("remainder", "pad");
    s.put("follow", false);
    return s;
  }

  private static ArrayNode between(String column, long lo, long hi) {
    return F.arrayNode().add(column).add(lo).add(hi);
  }

  private static List<ObjectNode> specs() {
    List<ObjectNode> l = new ArrayList<>();
    l.add(spec("sequential-w1-b8", 4, 8, 1));
    l.add(spec("sequential-w3-b5", 4, 5, 3));
    l.add(spec("sequential-w8-b2-drop", 4, 2, 8).put("remainder", "drop"));
    l.add(spec("shuffle42-e0-w1-b7", 4, 7, 1).put("seed", 42));
    l.add(spec("shuffle42-e1-w1-b7", 4, 7, 1).put("seed", 42).put("epoch", 1));
    l.add(spec("shuffle42-w3-b4-window2", 4, 4, 3).put("seed", 42).put("window_units", 2));
    l.add(
        spec("shuffle42-w3-b4-window2-drop", 4, 4, 3)
            .put("seed", 42)
            .put("window_units", 2)
            .put("remainder", "drop"));
    l.add(
        spec("shuffle7-e3-w8-b3-window1", 4, 3, 8)
            .put("seed", 7)
            .put("epoch", 3)
            .put("window_units", 1));
    l.add(
        spec("shuffle7-e3-w8-b3-window3-drop", 4, 3, 8)
            .put("seed", 7)
            .put("epoch", 3)
            .put("window_units", 3)
            .put("remainder", "drop"));
    l.add(spec("shuffle-minus1-w1-b61", 4, 61, 1).put("seed", -1));
    l.add(
        spec("shuffle-max-e2-w3-b16-window4", 4, 16, 3)
            .put("seed", Long.MAX_VALUE)
            .put("epoch", 2)
            .put("window_units", 4));
    l.add(spec("shuffle123-w8-b10-pad", 4, 10, 8).put("seed", 123));
    l.add(spec("v1-shuffle42-w3-b4", 1, 4, 3).put("seed", 42));
    l.add(spec("v2-shuffle42-w3-b4", 2, 4, 3).put("seed", 42));
    l.add(
        spec("v3-shuffle3-e5-w1-b1-window1", 3, 1, 1)
            .put("seed", 3)
            .put("epoch", 5)
            .put("window_units", 1));
    l.add(
        spec("split-train-0.7-shuffle5-w3-b4", 4, 4, 3)
            .put("seed", 5)
            .put("split", "train")
            .put("train_fraction", 0.7));
    l.add(
        spec("split-validation-0.7-shuffle5-w3-b4", 4, 4, 3)
            .put("seed", 5)
            .put("split", "validation")
            .put("train_fraction", 0.7));
    l.add(
        spec("split-train-0.5-sequential-w1-b10-drop", 4, 10, 1)
            .put("split", "train")
            .put("train_fraction", 0.5)
            .put("remainder", "drop"));
    ObjectNode f = spec("between-5-15-shuffle9-w3-b3", 4, 3, 3).put("seed", 9);
    f.set("between", between("word_count", 5, 15));
    f.set("columns", F.arrayNode().add("article_id").add("word_count"));
    l.add(f);
    ObjectNode fs =
        spec("between-5-15-validation-0.3-shuffle9-w8-b2", 4, 2, 8)
            .put("seed", 9)
            .put("split", "validation")
            .put("train_fraction", 0.3);
    fs.set("between", between("word_count", 5, 15));
    l.add(fs);
    ObjectNode few = spec("between-1-2-fewer-rows-than-ranks-w8-b2", 4, 2, 8).put("seed", 1);
    few.set("between", between("word_count", 1, 2));
    l.add(few);
    ObjectNode none = spec("between-empty-w3-b4", 4, 4, 3).put("seed", 1);
    none.set("between", between("word_count", 1000, 2000));
    l.add(none);
    l.add(spec("follow-from-v2-shuffle11-w3-b4", 2, 4, 3).put("seed", 11).put("follow", true));
    l.add(
        spec("follow-from-v1-sequential-w8-b2-drop", 1, 2, 8)
            .put("remainder", "drop")
            .put("follow", true));
    ObjectNode cols = spec("columns-shuffle42-e7-w3-b6", 4, 6, 3).put("seed", 42).put("epoch", 7);
    cols.set("columns", F.arrayNode().add("article_id").add("content").add("title"));
    l.add(cols);
    return l;
  }

  /** The {@link ReadSpec} of a vector's spec for one rank. */
  static ReadSpec readSpec(JsonNode s, int rank) {
    List<String> columns = new ArrayList<>();
    s.get("columns").forEach(c -> columns.add(c.asText()));
    ReadSpec.Builder b =
        ReadSpec.builder()
            .batchSize(s.get("batch_size").asInt())
            .columns(columns)
            .epoch(s.get("epoch").asLong())
            .rank(rank)
            .worldSize(s.get("world_size").asInt())
            .windowUnits(s.get("window_units").asInt())
            .remainder(Remainder.valueOf(s.get("remainder").asText().toUpperCase()));
    if (!s.get("seed").isNull()) {
      b.shuffle(s.get("seed").asLong());
    }
    if (!s.get("split").isNull()) {
      b.split(
          Split.valueOf(s.get("split").asText().toUpperCase()), s.get("train_fraction").asDouble());
    }
    if (!s.get("between").isNull()) {
      JsonNode f = s.get("between");
      b.filter(Filter.between(f.get(0).asText(), f.get(1).asLong(), f.get(2).asLong()));
    }
    if (s.get("follow").asBoolean()) {
      b.follow(Duration.ZERO); // the fixture is complete: follow to its last version and end
    }
    return b.build();
  }

  private static TrainingDataset open(JsonNode spec) {
    return TrainingDataset.open(
        LocalObjectStore.create(DATASET),
        DatasetOptions.builder().version(spec.get("version").asLong()).build());
  }

  /** Every batch (ids, "pad:" marking padding) and the position after it. */
  private static ObjectNode drain(BatchIterator it) {
    ArrayNode batches = F.arrayNode();
    ArrayNode positions = F.arrayNode();
    while (it.hasNext()) {
      Batch b = it.next();
      ArrayNode ids = F.arrayNode();
      for (int i = 0; i < b.size(); i++) {
        ids.add((b.isPadding(i) ? "pad:" : "") + b.string("article_id", i));
      }
      batches.add(ids);
      positions.add(it.position().toString());
    }
    ObjectNode out = F.objectNode();
    out.set("batches", batches);
    out.set("positions", positions);
    return out;
  }

  private static ArrayNode ranks(JsonNode spec) {
    ArrayNode ranks = F.arrayNode();
    try (TrainingDataset ds = open(spec)) {
      for (int r = 0; r < spec.get("world_size").asInt(); r++) {
        try (BatchIterator it = ds.batches(readSpec(spec, r))) {
          ranks.add(drain(it));
        }
      }
    }
    return ranks;
  }

  private static ObjectNode compute() {
    ObjectNode root = F.objectNode();
    root.put("format", 1);
    root.put(
        "about",
        "Shared plan vectors (docs/DESIGN.md, 'The epoch plan'): written by PlanVectorsTest in"
            + " training-reader, checked by it and by training-reader-py's tests.");
    root.put("dataset", "dataset");
    ArrayNode mix = root.putArray("mix");
    long[][] seeds = {{0}, {42, 0, 4}, {-1, 3, 2, 1, 0}, {Long.MAX_VALUE, Long.MIN_VALUE}};
    for (long[] s : seeds) {
      ObjectNode m = mix.addObject();
      ArrayNode values = m.putArray("seed_values");
      Arrays.stream(s).forEach(values::add);
      Mix g = Mix.of(s);
      ArrayNode longs = m.putArray("next_longs");
      for (int i = 0; i < 5; i++) {
        longs.add(g.nextLong());
      }
      ArrayNode ints = m.putArray("next_ints");
      for (int bound : new int[] {1, 2, 3, 7, 1000, Integer.MAX_VALUE}) {
        ObjectNode o = ints.addObject().put("bound", bound);
        ArrayNode vs = o.putArray("values");
        for (int i = 0; i < 4; i++) {
          vs.add(g.nextInt(bound));
        }
      }
      int[] perm = new int[20];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = i;
      }
      Mix.of(s).shuffle(perm);
      ArrayNode p = m.putArray("shuffle_20");
      Arrays.stream(perm).forEach(p::add);
    }
    ArrayNode buckets = root.putArray("buckets");
    for (int n = 0; n < 61; n++) {
      String id = articleId(n);
      buckets.addObject().put("id", id).put("bits", (long) (Split.bucket(id) * 0x1.0p53));
    }
    ArrayNode specs = root.putArray("specs");
    for (ObjectNode s : specs()) {
      ObjectNode v = specs.addObject();
      v.set("spec", s);
      ReadSpec rs = readSpec(s, 0);
      v.put("canonical", rs.canonical());
      v.put("fingerprint", rs.fingerprint());
      v.set("ranks", ranks(s));
    }
    return root;
  }

  // ------------------------------------------------------------------ the checks

  @Test
  void everySpecGivesTheRecordedBatchesAndPositionsOnEveryRank() {
    assertThat(vectors.get("specs").size()).isGreaterThanOrEqualTo(20);
    for (JsonNode v : vectors.get("specs")) {
      JsonNode spec = v.get("spec");
      ReadSpec rs = readSpec(spec, 0);
      assertThat(rs.canonical())
          .as(spec.get("name").asText())
          .isEqualTo(v.get("canonical").asText());
      assertThat(rs.fingerprint()).isEqualTo(v.get("fingerprint").asText());
      assertThat(ranks(spec)).as(spec.get("name").asText()).isEqualTo(v.get("ranks"));
    }
  }

  @Test
  void resumingFromEveryRecordedMidpointYieldsTheRecordedContinuation() {
    int resumed = 0;
    for (JsonNode v : vectors.get("specs")) {
      JsonNode spec = v.get("spec");
      try (TrainingDataset ds = open(spec)) {
        for (int r = 0; r < spec.get("world_size").asInt(); r++) {
          JsonNode rank = v.get("ranks").get(r);
          int n = rank.get("batches").size();
          if (n < 2) {
            continue;
          }
          int k = n / 2;
          Position at = Position.parse(rank.get("positions").get(k - 1).asText());
          try (BatchIterator it = ds.batches(readSpec(spec, r), at)) {
            ObjectNode tail = drain(it);
            List<JsonNode> expected = new ArrayList<>();
            rank.get("batches").elements().forEachRemaining(expected::add);
            assertThat(tail.get("batches"))
                .as("%s rank %d from batch %d", spec.get("name").asText(), r, k)
                .containsExactlyElementsOf(expected.subList(k, n));
            resumed++;
          }
        }
      }
    }
    assertThat(resumed).isGreaterThan(40);
  }

  @Test
  void mixGivesTheRecordedSplitMix64Sequences() {
    for (JsonNode m : vectors.get("mix")) {
      long[] seed = new long[m.get("seed_values").size()];
      for (int i = 0; i < seed.length; i++) {
        seed[i] = m.get("seed_values").get(i).asLong();
      }
      Mix g = Mix.of(seed);
      for (JsonNode l : m.get("next_longs")) {
        assertThat(g.nextLong()).isEqualTo(l.asLong());
      }
      for (JsonNode o : m.get("next_ints")) {
        for (JsonNode x : o.get("values")) {
          assertThat(g.nextInt(o.get("bound").asInt())).isEqualTo(x.asInt());
        }
      }
      int[] perm = new int[20];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = i;
      }
      Mix.of(seed).shuffle(perm);
      int[] expected = new int[20];
      for (int i = 0; i < 20; i++) {
        expected[i] = m.get("shuffle_20").get(i).asInt();
      }
      assertThat(perm).isEqualTo(expected);
    }
  }

  @Test
  void splitBucketsAreTheSha256PrefixOnBothSidesOfTheFractions() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    int below05 = 0;
    int above05 = 0;
    int below07 = 0;
    int above07 = 0;
    int nonAscii = 0;
    for (JsonNode b : vectors.get("buckets")) {
      String id = b.get("id").asText();
      long bits = b.get("bits").asLong();
      // Independent of Split's shifts: an unsigned BigInteger of the first 8 bytes.
      byte[] d = sha.digest(id.getBytes(StandardCharsets.UTF_8));
      long expected = new BigInteger(1, Arrays.copyOf(d, 8)).shiftRight(11).longValueExact();
      assertThat(bits).as(id).isEqualTo(expected);
      double bucket = Split.bucket(id);
      assertThat(bucket).isEqualTo(bits * 0x1.0p-53);
      assertThat(Split.TRAIN.contains(id, 0.7)).isEqualTo(bucket < 0.7);
      assertThat(Split.VALIDATION.contains(id, 0.7)).isEqualTo(bucket >= 0.7);
      below05 += bucket < 0.5 ? 1 : 0;
      above05 += bucket >= 0.5 ? 1 : 0;
      below07 += bucket < 0.7 ? 1 : 0;
      above07 += bucket >= 0.7 ? 1 : 0;
      nonAscii += id.chars().anyMatch(c -> c > 127) ? 1 : 0;
    }
    assertThat(List.of(below05, above05, below07, above07, nonAscii)).allMatch(n -> n >= 5);
  }

  @Test
  void canonicalSpecStringsCountUtf8BytesAndFormatFractionsExactly() {
    ReadSpec s =
        ReadSpec.builder()
            .batchSize(3)
            .columns("article_id", "记")
            .shuffle(-5)
            .split(Split.VALIDATION, 0.1)
            .filter(
                Filter.and(Filter.between("word_count", -2, 9), Filter.equalTo("author", "é,)")))
            .remainder(Remainder.DROP)
            .follow(Duration.ofSeconds(1))
            .build();
    assertThat(s.canonical())
        .isEqualTo(
            "spec/1;batch=3;columns=[10:article_id,3:记];order=shuffle:-5;window=8;"
                + "split=validation:3fb999999999999a;"
                + "filter=and(between(10:word_count,-2,9),equal(6:author,4:é,)));"
                + "remainder=drop;follow=true");
    // python3 -c "import google_crc32c;print('%08x'%google_crc32c.value(b'spec/1;batch=...'))"
    assertThat(ReadSpec.builder().build().canonical())
        .isEqualTo(
            "spec/1;batch=32;columns=[];order=sequential;window=8;split=all;filter=none;"
                + "remainder=pad;follow=false");
  }

  @Test
  void legacyPositionsStillResumeInJava() {
    JsonNode v = vectors.get("specs").get(3);
    JsonNode spec = v.get("spec");
    ReadSpec rs = readSpec(spec, 0);
    Position now = Position.parse(v.get("ranks").get(0).get("positions").get(0).asText());
    String legacy =
        now.toString().replace("mtr2:", "mtr1:").replace(rs.fingerprint(), rs.legacyFingerprint());
    try (TrainingDataset ds = open(spec);
        BatchIterator it = ds.batches(rs, Position.parse(legacy))) {
      ObjectNode tail = drain(it);
      assertThat(tail.get("batches").get(0)).isEqualTo(v.get("ranks").get(0).get("batches").get(1));
      assertThat(tail.get("positions").get(0).asText()).startsWith("mtr2:");
    }
  }
}
