package io.minietl.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore.PutResult;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@LocalStack
class S3ObjectStoreIT {

  @Test
  void putGetAndDeleteWorkOnKeysRelativeToThePrefix(S3Emulator s3, @TempDir Path tmp)
      throws Exception {
    String bucket = s3.createBucket();
    S3ObjectStore store =
        S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/ds/a/"));
    store.checkAccess();
    assertThat(store.location()).isEqualTo("s3://" + bucket + "/ds/a");

    store.put("shards/1.arrow", bytes("one"));
    Path file = tmp.resolve("f");
    byte[] large = new byte[3 * 1024 * 1024 + 17];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31 + 7);
    }
    Files.write(file, large);
    store.put("shards/2.arrow", file);

    assertThat(store.get("shards/1.arrow"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("one")));
    assertThat(store.get("shards/2.arrow")).hasValueSatisfying(b -> assertThat(b).isEqualTo(large));
    assertThat(store.get("shards/3.arrow")).isEmpty();
    assertThat(
            s3.client()
                .getObjectAsBytes(b -> b.bucket(bucket).key("ds/a/shards/1.arrow"))
                .asUtf8String())
        .isEqualTo("one");
    assertThat(store.list("shards/", null))
        .extracting(ObjectInfo::key, ObjectInfo::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("shards/1.arrow", 3L),
            org.assertj.core.groups.Tuple.tuple("shards/2.arrow", (long) large.length));

    store.delete("shards/1.arrow");
    store.delete("shards/1.arrow");
    assertThat(store.get("shards/1.arrow")).isEmpty();
    assertThat(store.list("", null)).extracting(ObjectInfo::key).containsExactly("shards/2.arrow");
  }

  @Test
  void listPaginatesAndStartsAfterTheGivenKey(S3Emulator s3) {
    String bucket = s3.createBucket();
    // Page size 7: 50 keys take 8 pages.
    S3ObjectStore store = new S3ObjectStore(s3.client(), bucket, "root", 7);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String key = String.format("_manifest/v%05d.json", i);
      keys.add(key);
      store.put(key, bytes("m" + i));
    }
    store.put("other/x", bytes("x"));
    s3.client()
        .putObject(
            b -> b.bucket(bucket).key("rootless"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("no"));

    assertThat(store.list("_manifest/", null))
        .extracting(ObjectInfo::key)
        .containsExactlyElementsOf(keys);
    assertThat(store.list("_manifest/", "_manifest/v00041.json"))
        .extracting(ObjectInfo::key)
        .containsExactlyElementsOf(keys.subList(42, 50));
    assertThat(store.list("_manifest/v0001", null)).hasSize(10);
    assertThat(store.list("", null)).hasSize(51);
    assertThat(store.list("_manifest/", null))
        .allSatisfy(o -> assertThat(o.lastModified()).isNotNull());
  }

  @Test
  void putIfAbsentCreatesOnceThenReportsAlreadyExistsAndKeepsTheContent(S3Emulator s3) {
    String bucket = s3.createBucket();
    S3ObjectStore store = S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/d"));

    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("first"))).isEqualTo(PutResult.CREATED);
    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("second")))
        .isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(store.putIfAbsent("_manifest/v1.json", bytes("first")))
        .isEqualTo(PutResult.ALREADY_EXISTS);
    assertThat(store.get("_manifest/v1.json"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("first")));
  }

  @Test
  void ofEightConcurrentPutIfAbsentOnOneKeyExactlyOneCreates(S3Emulator s3) throws Exception {
    String bucket = s3.createBucket();
    S3ObjectStore store = S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/race"));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 10; round++) {
        String key = "_manifest/v" + round + ".json";
        CountDownLatch start = new CountDownLatch(1);
        List<Future<PutResult>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          byte[] content = bytes("writer-" + t);
          results.add(
              pool.submit(
                  () -> {
                    start.await();
                    return store.putIfAbsent(key, content);
                  }));
        }
        start.countDown();
        List<PutResult> outcomes = new ArrayList<>();
        int winner = -1;
        for (int t = 0; t < 8; t++) {
          PutResult r = results.get(t).get();
          outcomes.add(r);
          if (r == PutResult.CREATED) {
            winner = t;
          }
        }
        assertThat(outcomes)
            .as("round %d", round)
            .containsOnlyOnce(PutResult.CREATED)
            .doesNotContain(PutResult.UNKNOWN);
        assertThat(new String(store.get(key).orElseThrow(), StandardCharsets.UTF_8))
            .isEqualTo("writer-" + winner);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void checkAccessOnAMissingBucketSaysItDoesNotExist(S3Emulator s3) {
    S3ObjectStore store = S3ObjectStore.create(s3.client(), URI.create("s3://no-such-bucket-zz/x"));

    assertThatThrownBy(store::checkAccess)
        .isInstanceOf(S3AccessException.class)
        .hasMessageStartingWith("Cannot access bucket no-such-bucket-zz")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> store.get("k")).isInstanceOf(S3AccessException.class);
    assertThatThrownBy(() -> store.put("k", bytes("v"))).isInstanceOf(S3AccessException.class);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
