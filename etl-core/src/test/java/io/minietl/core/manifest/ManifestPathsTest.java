package io.minietl.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ManifestPathsTest {

  @Test
  void manifestKeysAreZeroPaddedTo20Digits() {
    assertThat(ManifestPaths.manifestKey(1)).isEqualTo("_manifest/v00000000000000000001.json");
    assertThat(ManifestPaths.manifestKey(Long.MAX_VALUE))
        .isEqualTo("_manifest/v09223372036854775807.json");
    assertThatThrownBy(() -> ManifestPaths.manifestKey(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid manifest version: 0");
  }

  @Property
  void keysParseBackAndSortLikeVersions(
      @ForAll @LongRange(min = 1) long a, @ForAll @LongRange(min = 1) long b) {
    assertThat(ManifestPaths.parseManifestVersion(ManifestPaths.manifestKey(a))).hasValue(a);
    assertThat(Integer.signum(ManifestPaths.manifestKey(a).compareTo(ManifestPaths.manifestKey(b))))
        .isEqualTo(Long.signum(Long.compare(a, b)));
  }

  @Test
  void listedKeysWithAPrefixParseAndOthersAreSkipped() {
    assertThat(ManifestPaths.parseManifestVersion("news/prod/_manifest/v00000000000000000042.json"))
        .hasValue(42);
    for (String other :
        List.of(
            "_manifest/v42.json",
            "_manifest/v00000000000000000000.json",
            "_manifest/v00000000000000000001.json.tmp",
            "_manifest/x/v00000000000000000001.json",
            "my_manifest/v00000000000000000001.json",
            "data/dt=2026-11-28/part-1.arrow",
            "_manifest/v99999999999999999999.json")) {
      assertThat(ManifestPaths.parseManifestVersion(other))
          .as(other)
          .isEqualTo(OptionalLong.empty());
    }
  }

  @Test
  void lexicographicListOrderIsVersionOrder() {
    List<String> keys = new ArrayList<>();
    for (long v : new long[] {10, 9, 1, 100, 11, 2}) {
      keys.add(ManifestPaths.manifestKey(v));
    }
    Collections.sort(keys);
    assertThat(keys.stream().mapToLong(k -> ManifestPaths.parseManifestVersion(k).getAsLong()))
        .containsExactly(1L, 2L, 9L, 10L, 11L, 100L);
  }

  @Test
  void dataAndErrorKeysFollowTheLayout() {
    LocalDate day = LocalDate.of(2026, 11, 28);
    String data = ManifestPaths.dataShardKey(day, "runner-a_00012.3f9c");
    assertThat(data).isEqualTo("data/dt=2026-11-28/part-runner-a_00012.3f9c.arrow");
    String errors = ManifestPaths.errorFileKey(day, "runner-a-00012");
    assertThat(errors).isEqualTo("errors/dt=2026-11-28/part-runner-a-00012.jsonl.gz");
    assertThat(ManifestPaths.datePartition(data)).isEqualTo(day);
    assertThat(ManifestPaths.datePartition(errors)).isEqualTo(day);
    assertThatThrownBy(() -> ManifestPaths.datePartition("data/part-1.arrow"))
        .hasMessageStartingWith("Invalid dataset key: 'data/part-1.arrow'");
    assertThatThrownBy(() -> ManifestPaths.dataShardKey(day, "a/b"))
        .hasMessageStartingWith("Invalid part id: 'a/b'");
    assertThatThrownBy(() -> ManifestPaths.dataShardKey(day, ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ManifestPaths.resolve("s3prefix/news", data)).isEqualTo("s3prefix/news/" + data);
    assertThat(ManifestPaths.resolve("s3prefix/news/", data)).isEqualTo("s3prefix/news/" + data);
    assertThat(ManifestPaths.resolve("", data)).isEqualTo(data);
  }
}
