package io.minietl.ingest;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * the n-th consecutive failure waits a uniform random time in [0, min(cap, base·2^n)], so clients
 * throttled together do not retry together. Not thread-safe: one per retrying loop.
 */
final class Backoff {
  private final long baseMillis;
  private final long capMillis;
  private int failures;

  Backoff(Duration base, Duration cap) {
    this.baseMillis = Math.max(1, base.toMillis());
    this.capMillis = Math.max(baseMillis, cap.toMillis());
  }

  /** The wait before the next attempt after one more failure. */
  Duration nextDelay() {
    long ceiling = capMillis;
    if (failures < 30) {
      ceiling = Math.min(capMillis, baseMillis << failures);
    }
    failures++;
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  int failures() {
    return failures;
  }

  void reset() {
    failures = 0;
  }
}
