package io.minietl.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The core report warns, as the other reports do, when the 1-minute load average is above 1. */
class CoreBenchmarkReportTest {
  @Test
  void aLoadAboveOneMakesTheFiguresIndicative() {
    assertThat(CoreBenchmarkReport.sharedMachine("1.35 1.48 1.52 before the run")).isTrue();
    assertThat(CoreBenchmarkReport.sharedMachine("1.01 0.2 0.1")).isTrue();
  }

  @Test
  void aQuietMachineOrAnUnknownLoadGetsNoWarning() {
    assertThat(CoreBenchmarkReport.sharedMachine("0.40 1.90 2.00 before the run")).isFalse();
    assertThat(CoreBenchmarkReport.sharedMachine("1.00 1.00 1.00")).isFalse();
    assertThat(CoreBenchmarkReport.sharedMachine("unknown")).isFalse();
  }
}
