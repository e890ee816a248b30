package io.minietl.core.manifest;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Shared validation of the value types. */
final class Checks {
  private Checks() {}

  static String relativePath(String path, String what) {
    Objects.requireNonNull(path, what + " path");
    if (path.isBlank()
        || path.startsWith("/")
        || path.contains("\\")
        || path.contains("//")
        || ("/" + path + "/").contains("/../")
        || ("/" + path + "/").contains("/./")) {
      throw new IllegalArgumentException(
          "Invalid "
              + what
              + " path: '"
              + path
              + "' (expected a normalized path relative to the dataset root, e.g."
              + " data/dt=2026-11-28/part-0001.arrow)");
    }
    return path;
  }

  static long nonNegative(long value, String what) {
    if (value < 0) {
      throw new IllegalArgumentException("Invalid " + what + ": " + value + " (must be >= 0)");
    }
    return value;
  }

  static String nonBlank(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException("Invalid " + what + ": blank");
    }
    return value;
  }

  static <V> Map<String, V> sortedCopy(Map<String, V> map, String what) {
    Objects.requireNonNull(map, what);
    TreeMap<String, V> copy = new TreeMap<>();
    map.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, what + " key");
          Objects.requireNonNull(v, what + " value of '" + k + "'");
          copy.put(k, v);
        });
    return java.util.Collections.unmodifiableMap(copy);
  }
}
