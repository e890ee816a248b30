package io.minietl.core.manifest;

import static io.minietl.core.manifest.Entries.T0;
import static io.minietl.core.manifest.Entries.legacyShard;
import static io.minietl.core.manifest.Entries.shard;
import static org.assertj.core.api.Assertions.assertThat;

import io.minietl.core.stats.Histogram;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The word-count histogram in the manifest: an optional key of each statistics object, replayed
 * exactly like the rest of the statistics, and "not known" (never a partial histogram) as soon as a
 * version written before histograms is part of the dataset.
 */
class ManifestHistogramTest {
  @Test
  void histogramsTravelThroughTheManifestAndAddUpOverVersions() {
    Manifest v1 =
        DatasetState.empty()
            .nextVersion()
            .writerId("w")
            .committedAt(T0)
            .addShard(shard("h-1", 1, 2, 3, 40))
            .build();
    Manifest readV1 = ManifestParser.fromJson(ManifestParser.toJson(v1));
    assertThat(readV1).isEqualTo(v1);
    assertThat(ManifestParser.toJson(v1)).contains("\"histogram\":[0,1,2,0,0,0,1]");
    Manifest v2 =
        DatasetState.fromSnapshot(readV1)
            .nextVersion()
            .writerId("w")
            .committedAt(T0.plusSeconds(1))
            .addShard(shard("h-2", 5, 6, 0))
            .build();
    DatasetState state =
        DatasetState.replay(readV1, List.of(ManifestParser.fromJson(ManifestParser.toJson(v2))));
    // 1 | 2 3 | 40 (32..63), then 5 6 (4..7) and 0: counted by hand.
    assertThat(state.stats("word_count").histogram()).contains(Histogram.of(1, 1, 2, 2, 0, 0, 1));
    assertThat(state.stats("char_count").histogram().orElseThrow().total()).isEqualTo(7);
  }

  @Test
  void aVersionWithoutHistogramsMakesTheDatasetsHistogramUnknown() {
    Manifest old =
        DatasetState.empty()
            .nextVersion()
            .writerId("w")
            .committedAt(T0)
            .addShard(legacyShard("o-1", 3, 5))
            .build();
    Manifest next =
        DatasetState.fromSnapshot(old)
            .nextVersion()
            .writerId("w")
            .committedAt(T0.plusSeconds(1))
            .addShard(shard("n-2", 8))
            .build();
    DatasetState state = DatasetState.replay(old, List.of(next));
    assertThat(state.stats("word_count").count()).isEqualTo(3);
    assertThat(state.stats("word_count").histogram()).isEmpty();
  }
}
