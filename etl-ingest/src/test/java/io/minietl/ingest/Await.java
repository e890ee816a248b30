package io.minietl.ingest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, for tests that wait on another thread or process. */
public final class Await {
  private Await() {}

  /**
   * Returns once {@code condition} is true; polls every 50 ms.
   *
   * @throws AssertionError naming {@code what} if it is still false after {@code timeout}
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for " + what, e);
      }
    }
  }
}
