package io.minietl.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
  @Test
  void sizesTakeDecimalAndBinaryUnits() {
    assertThat(Converters.parseSize("1000000")).isEqualTo(1_000_000);
    assertThat(Converters.parseSize("64MiB")).isEqualTo(64L * 1024 * 1024);
    assertThat(Converters.parseSize("64 mib")).isEqualTo(64L * 1024 * 1024);
    assertThat(Converters.parseSize("512K")).isEqualTo(512 * 1024);
    assertThat(Converters.parseSize("8MB")).isEqualTo(8_000_000);
    assertThat(Converters.parseSize("2G")).isEqualTo(2L << 30);
    assertThat(Converters.parseSize("1GB")).isEqualTo(1_000_000_000);
    for (String bad : new String[] {"0", "12XB", "-1", "1.5MiB", "", "99999999999999999999"}) {
      assertThatThrownBy(() -> Converters.parseSize(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageStartingWith("expected a");
    }
    assertThatThrownBy(() -> Converters.parseSize("9000000000G"))
        .hasMessageContaining("at most 8 EiB");
  }

  @Test
  void durationsTakeUnitsOrIso8601AndBareNumbersAreSeconds() {
    assertThat(Converters.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Converters.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Converters.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Converters.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Converters.parseDuration("1H")).isEqualTo(Duration.ofHours(1));
    assertThat(Converters.parseDuration("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Converters.parseDuration("0s")).isZero();
    for (String bad : new String[] {"5parsecs", "soon", "-5s", "PT-5S", ""}) {
      assertThatThrownBy(() -> Converters.parseDuration(bad))
          .as(bad)
          .isInstanceOf(TypeConversionException.class)
          .hasMessageStartingWith("expected a duration like 500ms, 30s, 5m, 1h or PT30S");
    }
    assertThatThrownBy(() -> new Converters.PositiveDuration().convert("0ms"))
        .hasMessage("expected a duration above zero, like 500ms or 10s");
  }

  @Test
  void numbersAndSwitches() {
    assertThat(new Converters.PositiveInt().convert("7")).isEqualTo(7);
    assertThatThrownBy(() -> new Converters.PositiveInt().convert("0"))
        .hasMessage("expected a whole number from 1 to 2147483647");
    assertThatThrownBy(() -> new Converters.PositiveLong().convert("-3"))
        .hasMessage("expected a whole number of at least 1");
    assertThat(new Converters.Number().convert("0.02")).isEqualTo(0.02);
    assertThatThrownBy(() -> new Converters.Number().convert("NaN"))
        .hasMessage("expected a number like 0.5");
    for (String yes : new String[] {"1", "true", "YES", " yes "}) {
      assertThat(new Converters.Switch().convert(yes)).as(yes).isTrue();
    }
    for (String no : new String[] {"0", "false", "No"}) {
      assertThat(new Converters.Switch().convert(no)).as(no).isFalse();
    }
  }
}
