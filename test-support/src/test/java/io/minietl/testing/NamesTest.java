package io.minietl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NamesTest {

  @Test
  void uniqueStreamNamesAreDistinctAndValidForKinesis() {
    Set<String> names =
        IntStream.range(0, 1000)
            .mapToObj(i -> KinesisStreams.uniqueStreamName("My Test/with spaces"))
            .collect(Collectors.toSet());

    assertThat(names).hasSize(1000);
    assertThat(names).allMatch(n -> n.matches("[a-zA-Z0-9_.-]{1,128}"));
  }

  @Test
  void uniqueBucketNamesAreDistinctAndValidForS3() {
    String longPrefix = "A_Very_Long_Prefix_".repeat(10);
    Set<String> names =
        IntStream.range(0, 1000)
            .mapToObj(i -> S3Emulator.uniqueBucketName(longPrefix))
            .collect(Collectors.toSet());

    assertThat(names).hasSize(1000);
    assertThat(names).allMatch(n -> n.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"));
  }
}
