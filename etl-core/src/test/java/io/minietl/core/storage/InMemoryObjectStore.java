package io.minietl.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory object store for tests of the runner's logic, with injected failures: transient put
 * failures, conditional creates whose outcome is lost (applied or not), and a "crash" after a
 * number of operations. Thread-safe.
 */
public final class InMemoryObjectStore implements ObjectStore {
  private record Obj(byte[] bytes, Instant lastModified) {}

  private final ConcurrentSkipListMap<String, Obj> objects = new ConcurrentSkipListMap<>();
  private final AtomicInteger puts = new AtomicInteger();
  private final AtomicInteger conditionalPuts = new AtomicInteger();
  private volatile int failEveryNthPut;
  private volatile int unknownEveryNthConditionalPut;
  private volatile int crashAfterOperations = -1;
  private final AtomicInteger lateCreates = new AtomicInteger();
  private final AtomicInteger lostCreates = new AtomicInteger();
  private final Map<String, byte[]> heldCreates = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicInteger operations = new AtomicInteger();
  public final AtomicInteger injectedFailures = new AtomicInteger();

  /** Every n-th plain put throws a transient failure without writing (0: never). */
  public InMemoryObjectStore failEveryNthPut(int n) {
    this.failEveryNthPut = n;
    return this;
  }

  /**
   * Every n-th conditional create answers UNKNOWN; odd occurrences applied the write, even ones did
   * not (0: never).
   */
  public InMemoryObjectStore unknownEveryNthConditionalPut(int n) {
    this.unknownEveryNthConditionalPut = n;
    return this;
  }

  /**
   * The next {@code n} conditional creates answer UNKNOWN and are applied late: right after the
   * next {@link #get} of their key has answered that there is nothing there. So a writer that reads
   * back, finds nothing and retries, meets its own create as "already exists" (a request that timed
   * out on the client but was still applied by the server, later).
   */
  public InMemoryObjectStore applyLateAfterUnknown(int n) {
    lateCreates.set(n);
    return this;
  }

  /** The next {@code n} conditional creates answer UNKNOWN and are not applied (lost requests). */
  public InMemoryObjectStore loseNextConditionalPuts(int n) {
    lostCreates.set(n);
    return this;
  }

  /** After {@code n} more operations every call throws, as if the process died. */
  public InMemoryObjectStore crashAfter(int n) {
    operations.set(0);
    this.crashAfterOperations = n;
    return this;
  }

  /** Lifts a {@link #crashAfter}. */
  public InMemoryObjectStore recover() {
    this.crashAfterOperations = -1;
    return this;
  }

  private void tick() {
    if (crashAfterOperations >= 0 && operations.incrementAndGet() > crashAfterOperations) {
      throw new SimulatedCrash();
    }
  }

  /**
   * Thrown by every call after {@link #crashAfter}. An {@link Error}, so that no retry loop of the
   * runner catches it: it stands for the process dying at that point.
   */
  public static final class SimulatedCrash extends Error {
    SimulatedCrash() {
      super("simulated crash");
    }
  }

  @Override
  public String location() {
    return "memory://dataset";
  }

  @Override
  public void put(String key, byte[] bytes) {
    tick();
    int n = puts.incrementAndGet();
    if (failEveryNthPut > 0 && n % failEveryNthPut == 0) {
      injectedFailures.incrementAndGet();
      throw new IllegalStateException("503 Slow Down (injected)");
    }
    objects.put(key, new Obj(bytes.clone(), Instant.now()));
  }

  @Override
  public void put(String key, Path file) {
    try {
      put(key, Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public PutResult putIfAbsent(String key, byte[] bytes) {
    tick();
    int n = conditionalPuts.incrementAndGet();
    if (lostCreates.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
      injectedFailures.incrementAndGet();
      return PutResult.UNKNOWN;
    }
    if (lateCreates.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
      injectedFailures.incrementAndGet();
      heldCreates.put(key, bytes.clone());
      return PutResult.UNKNOWN;
    }
    if (unknownEveryNthConditionalPut > 0 && n % unknownEveryNthConditionalPut == 0) {
      injectedFailures.incrementAndGet();
      if ((n / unknownEveryNthConditionalPut) % 2 == 1) {
        objects.putIfAbsent(key, new Obj(bytes.clone(), Instant.now()));
      }
      return PutResult.UNKNOWN;
    }
    Obj previous = objects.putIfAbsent(key, new Obj(bytes.clone(), Instant.now()));
    return previous == null ? PutResult.CREATED : PutResult.ALREADY_EXISTS;
  }

  @Override
  public Optional<byte[]> get(String key) {
    tick();
    Obj o = objects.get(key);
    byte[] held = heldCreates.remove(key);
    if (held != null) {
      objects.putIfAbsent(key, new Obj(held, Instant.now()));
    }
    return o == null ? Optional.empty() : Optional.of(o.bytes().clone());
  }

  @Override
  public List<ObjectInfo> list(String prefix, String startAfter) {
    tick();
    List<ObjectInfo> out = new ArrayList<>();
    Map<String, Obj> tail =
        startAfter == null ? objects.tailMap(prefix, true) : objects.tailMap(startAfter, false);
    for (Map.Entry<String, Obj> e : tail.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        if (e.getKey().compareTo(prefix) > 0) {
          break;
        }
        continue;
      }
      out.add(new ObjectInfo(e.getKey(), e.getValue().bytes().length, e.getValue().lastModified()));
    }
    return out;
  }

  @Override
  public void delete(String key) {
    tick();
    objects.remove(key);
  }

  /** Sets the last-modified time of {@code key} (to make an object look old or young to gc). */
  public void lastModified(String key, Instant lastModified) {
    objects.computeIfPresent(key, (k, o) -> new Obj(o.bytes(), lastModified));
  }

  /** Keys matching {@code filter}, for assertions. */
  public List<String> keys(Predicate<String> filter) {
    return objects.keySet().stream().filter(filter).toList();
  }

  public byte[] bytes(String key) {
    return objects.get(key).bytes();
  }
}
