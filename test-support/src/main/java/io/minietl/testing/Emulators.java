package io.minietl.testing;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The emulators of this JVM's test run, for tests that pick the Kinesis flavor at run time
 * (parameterized over {@link KinesisFlavor}). Injected by {@link LocalStack}; each emulator starts
 * on first use and stops when the test run ends. Thread safe.
 */
public final class Emulators {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Emulators.class);

  private final ExtensionContext.Store store;
  private final KinesisFlavor defaultFlavor;

  Emulators(ExtensionContext context, KinesisFlavor defaultFlavor) {
    // The root context's store lives for the whole run and closes its AutoCloseable values at
    // the end: one emulator per flavor per JVM.
    this.store = context.getRoot().getStore(NAMESPACE);
    this.defaultFlavor = defaultFlavor;
  }

  /** The Kinesis emulator of the flavor the nearest {@link LocalStack} names. */
  public KinesisEmulator kinesis() {
    return kinesis(defaultFlavor);
  }

  /**
   * The Kinesis emulator of the given flavor, started if it is the first use, or started again if
   * the previous one died (its exit was reported on standard error): one crash fails the test that
   * saw it, not every test after it.
   */
  public KinesisEmulator kinesis(KinesisFlavor flavor) {
    String key = "kinesis-" + flavor;
    synchronized (Emulators.class) {
      KinesisEmulator running = store.get(key, KinesisEmulator.class);
      if (running != null && !running.isAlive()) {
        System.err.println(
            "Restarting " + flavor + ": the previous one exited; see " + running.log());
        store.remove(key, KinesisEmulator.class).close();
      }
      return store.getOrComputeIfAbsent(
          key, k -> KinesisEmulator.start(flavor), KinesisEmulator.class);
    }
  }

  /** The S3 emulator (in-memory s3proxy), started if it is the first use. */
  public S3Emulator s3() {
    return store.getOrComputeIfAbsent("s3", key -> S3Emulator.start(), S3Emulator.class);
  }

  /**
   * The environment for a child process (a runner JVM) to reach both emulators through the standard
   * AWS configuration ({@code AWS_ENDPOINT_URL_KINESIS}, {@code AWS_ENDPOINT_URL_S3}, region,
   * credentials, {@code CBOR_ENABLED=false}).
   */
  public Map<String, String> environment(KinesisFlavor flavor) {
    Map<String, String> env = new TreeMap<>(s3().environment());
    env.putAll(kinesis(flavor).environment());
    return env;
  }
}
