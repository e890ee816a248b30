package io.minietl.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minietl.core.storage.ObjectInfo;
import io.minietl.core.storage.ObjectStore;
import io.minietl.core.storage.ObjectStoreContract;
import io.minietl.testing.LocalStack;
import io.minietl.testing.S3Emulator;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object-store contract ({@link ObjectStoreContract}: conditional creates, races, the commit
 * protocol) against s3proxy, and what is particular to S3: the key prefix, paging, access errors.
 */
@LocalStack
class S3ObjectStoreIT extends ObjectStoreContract {
  private S3Emulator s3;

  @BeforeEach
  void emulator(S3Emulator s3) {
    this.s3 = s3;
  }

  @Override
  protected ObjectStore newStore() {
    return S3ObjectStore.create(s3.client(), URI.create("s3://" + s3.createBucket() + "/ds"));
  }

  @Override
  protected ObjectStore sameRoot(ObjectStore store) {
    return S3ObjectStore.create(s3.client(), URI.create(store.location()));
  }

  @Test
  void keysAreObjectsUnderThePrefix() {
    String bucket = s3.createBucket();
    S3ObjectStore store =
        S3ObjectStore.create(s3.client(), URI.create("s3://" + bucket + "/ds/a/"));
    store.checkAccess();
    assertThat(store.location()).isEqualTo("s3://" + bucket + "/ds/a");

    store.put("shards/1.arrow", bytes("one"));
    s3.client()
        .putObject(
            b -> b.bucket(bucket).key("ds/other"),
            software.amazon.awssdk.core.sync.RequestBody.fromString("not ours"));

    assertThat(
            s3.client()
                .getObjectAsBytes(b -> b.bucket(bucket).key("ds/a/shards/1.arrow"))
                .asUtf8String())
        .isEqualTo("one");
    assertThat(store.list("", null)).extracting(ObjectInfo::key).containsExactly("shards/1.arrow");
  }

  @Test
  void listPaginatesAndStartsAfterTheGivenKey() {
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
  void checkAccessOnAMissingBucketSaysItDoesNotExist() {
    S3ObjectStore store = S3ObjectStore.create(s3.client(), URI.create("s3://no-such-bucket-zz/x"));

    assertThatThrownBy(store::checkAccess)
        .isInstanceOf(S3AccessException.class)
        .hasMessageStartingWith("Cannot access bucket no-such-bucket-zz")
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> store.get("k")).isInstanceOf(S3AccessException.class);
    assertThatThrownBy(() -> store.put("k", bytes("v"))).isInstanceOf(S3AccessException.class);
  }
}
