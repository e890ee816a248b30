package io.minietl.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minietl.core.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Pin objects that make every rank of one run plan the same version ({@code docs/DESIGN.md}, "Ranks
 * agree on one version"), the same objects the Python reader writes: {@code
 * _pins/<run-id>/epoch-<n>.json} fixes an epoch's version, {@code
 * _pins/<run-id>/epoch-<n>/after-<v>.json} whether a following epoch continues after version v.
 * Each is created once with a conditional PUT; whoever is first decides, everyone else reads.
 */
final class Pins {
  static final int FORMAT = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Pins() {}

  static String epochKey(String runId, long epoch) {
    check(runId);
    return "_pins/" + runId + "/epoch-" + epoch + ".json";
  }

  static String boundaryKey(String runId, long epoch, long version) {
    check(runId);
    return "_pins/" + runId + "/epoch-" + epoch + "/after-" + version + ".json";
  }

  static void check(String runId) {
    if (runId == null
        || runId.isEmpty()
        || runId.contains("/")
        || runId.equals(".")
        || runId.equals("..")) {
      throw new IllegalArgumentException("Invalid run id '" + runId + "': non-empty, without '/'");
    }
  }

  /** The version {@code epoch} of {@code runId} is planned on: ours if we pin first. */
  static long agreeOnVersion(ObjectStore store, String runId, long epoch, long proposal) {
    String key = epochKey(runId, epoch);
    ObjectNode pin = base(runId, epoch).put("version", proposal);
    if (create(store, key, pin)) {
      return proposal;
    }
    return read(store, key).get("version").asLong();
  }

  /** Whether the epoch continues after {@code version} as decided, or empty if undecided. */
  static Optional<Boolean> decided(ObjectStore store, String runId, long epoch, long version) {
    String key = boundaryKey(runId, epoch, version);
    if (store.get(key).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(read(store, key).get("next").asBoolean());
  }

  /** Proposes {@code continues} for the boundary after {@code version}; returns what holds. */
  static boolean decide(ObjectStore store, String runId, long epoch, long version, boolean next) {
    String key = boundaryKey(runId, epoch, version);
    ObjectNode pin = base(runId, epoch).put("after", version).put("next", next);
    if (create(store, key, pin)) {
      return next;
    }
    return read(store, key).get("next").asBoolean();
  }

  /**
   * Keys in sorted order, as the Python reader writes them ({@code json.dumps(sort_keys=True)}).
   */
  private static ObjectNode base(String runId, long epoch) {
    return JSON.createObjectNode()
        .put("created-at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("epoch", epoch)
        .put("format", FORMAT)
        .put("run-id", runId);
  }

  private static boolean create(ObjectStore store, String key, ObjectNode pin) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(pin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    while (true) {
      switch (store.putIfAbsent(key, bytes)) {
        case CREATED:
          return true;
        case ALREADY_EXISTS:
          return false;
        default:
          // Unknown: read it back; our bytes mean we created it, other bytes that someone did.
          Optional<byte[]> there = store.get(key);
          if (there.isPresent()) {
            return java.util.Arrays.equals(there.get(), bytes);
          }
      }
    }
  }

  private static JsonNode read(ObjectStore store, String key) {
    byte[] raw =
        store
            .get(key)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Cannot read pin " + store.location() + "/" + key + ": it is gone"));
    try {
      JsonNode pin = JSON.readTree(raw);
      if (pin.path("format").asInt() != FORMAT) {
        throw new IllegalStateException(
            "Cannot read pin "
                + store.location()
                + "/"
                + key
                + ": unknown format "
                + pin.get("format"));
      }
      return pin;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read pin " + store.location() + "/" + key, e);
    }
  }
}
