package io.minietl.core.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  /** The offset of the first byte of the first ill-formed sequence, or -1 if all is UTF-8. */
  static int firstInvalid(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      // ASCII fast path, eight bytes at a time: news text is mostly ASCII.
      while (i + 8 <= end && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
        i += 8;
      }
      if (i >= end) {
        break;
      }
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int lead = b & 0xFF;
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
      } else if (lead == 0xE0) {
        need = 2;
        lo = 0xA0;
      } else if (lead == 0xED) {
        need = 2;
        hi = 0x9F; // U+D800..U+DFFF are surrogates, not characters
      } else if (lead >= 0xE1 && lead <= 0xEF) {
        need = 2;
      } else if (lead == 0xF0) {
        need = 3;
        lo = 0x90;
      } else if (lead >= 0xF1 && lead <= 0xF3) {
        need = 3;
      } else if (lead == 0xF4) {
        need = 3;
        hi = 0x8F;
      } else {
        return i;
      }
      if (i + need >= end) {
        return i; // truncated sequence
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < lo || second > hi) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }

  /**
   * Whether the JSON text may hold an escaped UTF-16 surrogate ({@code \\uD800}..{@code \\uDFFF}):
   * strict UTF-8 input can carry a surrogate only as such an escape. False positives (an escaped
   * backslash followed by {@code u}) are harmless: the caller then checks the strings.
   */
  static boolean mayHaveSurrogateEscape(byte[] bytes, int offset, int length) {
    int end = offset + length - 3;
    for (int i = offset; i < end; i++) {
      if (bytes[i] == '\\' && bytes[i + 1] == 'u' && (bytes[i + 2] | 0x20) == 'd') {
        int c = bytes[i + 3] | 0x20;
        if ((c >= '8' && c <= '9') || (c >= 'a' && c <= 'f')) {
          return true;
        }
      }
    }
    return false;
  }

  /** The index of the first surrogate of {@code s} that is not part of a pair, or -1. */
  static int firstUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return -1;
  }
}
