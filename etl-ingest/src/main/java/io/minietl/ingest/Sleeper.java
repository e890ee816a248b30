package io.minietl.ingest;

import java.time.Duration;

/** Waits; a seam so tests of retry and pacing logic need not sleep for real. */
interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
