"""SplitMix64 exactly as training-reader's ``Mix`` (docs/DESIGN.md, "The epoch plan, exactly").

All arithmetic is on unsigned 64-bit integers; Java's signed longs wrap the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
_C1 = 0xBF58476D1CE4E5B9
_C2 = 0x94D049BB133111EB
_START = 0x6A09E667F3BCC908
_SIGNED_LIMIT = 1 << 63

_U30 = np.uint64(30)
_U27 = np.uint64(27)
_U31 = np.uint64(31)
_U1 = np.uint64(1)


def mix64(z: int) -> int:
    z &= MASK
    z = ((z ^ (z >> 30)) * _C1) & MASK
    z = ((z ^ (z >> 27)) * _C2) & MASK
    return z ^ (z >> 31)


def _mix64_array(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> _U30)) * np.uint64(_C1)
    z = (z ^ (z >> _U27)) * np.uint64(_C2)
    return z ^ (z >> _U31)


class Mix:
    """A seeded generator: ``Mix.of(seed, epoch, segment, ...)``."""

    __slots__ = ("_state",)

    def __init__(self, state: int) -> None:
        self._state = state & MASK

    @classmethod
    def of(cls, *values: int) -> Mix:
        h = _START
        for v in values:
            h = mix64(h ^ mix64((v + GOLDEN) & MASK))
        return cls(h)

    def next_long(self) -> int:
        """The next value as an unsigned 64-bit integer (Java's long, reinterpreted)."""
        self._state = (self._state + GOLDEN) & MASK
        return mix64(self._state)

    def next_int(self, bound: int) -> int:
        while True:
            r = self.next_long() >> 1
            m = r % bound
            if r - m + (bound - 1) < _SIGNED_LIMIT:
                return m

    def _draws(self, bounds: np.ndarray) -> np.ndarray:
        """``next_int(b)`` for each bound in order, vectorized (rejections handled exactly)."""
        out = np.empty(len(bounds), dtype=np.int64)
        done = 0
        with np.errstate(over="ignore"):
            while done < len(bounds):
                rest = bounds[done:].astype(np.uint64)
                k = np.arange(1, len(rest) + 1, dtype=np.uint64)
                states = k * np.uint64(GOLDEN) + np.uint64(self._state)
                r = _mix64_array(states) >> _U1
                m = r % rest
                rejected = (r - m + (rest - _U1)) >= np.uint64(_SIGNED_LIMIT)
                bad = np.flatnonzero(rejected)
                take = len(rest) if len(bad) == 0 else int(bad[0])
                out[done : done + take] = m[:take].astype(np.int64)
                # The accepted draws and, if any, the rejected one consumed one value each.
                consumed = take if len(bad) == 0 else take + 1
                self._state = (self._state + consumed * GOLDEN) & MASK
                done += take
        return out

    def shuffle_permutation(self, n: int) -> np.ndarray:
        """The permutation ``idx`` such that shuffling ``a[0, n)`` in place gives ``a[idx]``."""
        idx = np.arange(n, dtype=np.int64)
        if n < 2:
            return idx
        bounds = np.arange(n, 1, -1, dtype=np.int64)  # i + 1 for i = n-1 .. 1
        js = self._draws(bounds).tolist()
        a = idx.tolist()
        i = n - 1
        for j in js:
            a[i], a[j] = a[j], a[i]
            i -= 1
        return np.asarray(a, dtype=np.int64)

    def shuffle(self, a: list) -> None:
        """Shuffles a list in place (Fisher-Yates from the end, as ``Mix.shuffle``)."""
        perm = self.shuffle_permutation(len(a))
        a[:] = [a[i] for i in perm]


def signed(v: int) -> int:
    """An unsigned 64-bit value as Java's signed long."""
    return v - (1 << 64) if v >= _SIGNED_LIMIT else v


def of_values(values: Sequence[int]) -> Mix:
    return Mix.of(*values)
