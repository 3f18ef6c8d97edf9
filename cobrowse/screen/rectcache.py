"""A small cache of recently sent rectangles, kept in lock-step on both sides.

A letter typed again (the same glyph after the same caret move), a button that
lights up again, a menu opened twice: the rectangle's pixels were sent before.
Each side remembers the last :data:`SLOTS` small rectangles sent as PALETTE or
PLANES (at most :data:`MAX_PIXELS` pixels each), in payload order, slot after slot
round robin; the encoder then sends a repeat as ``CACHED`` - one varint, the slot -
instead of a deflate segment (12-24 bytes for a re-typed letter on the Chromium
bench).  Nothing else enters the cache and a hit does not reorder it, so both
sides hold the same slots as long as they see the same payloads; both empty it on
every keyframe (with the deflate streams).  Memory: at most ``SLOTS * MAX_PIXELS``
pixels a side (1 MiB as BGRA), plus the encoder's keys of the same size.

A reference to an empty slot, a slot out of range or a slot holding another size
is a :class:`~cobrowse.errors.ProtocolError` (the decoder then wants a keyframe).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cobrowse import varint
from cobrowse.errors import ProtocolError
from cobrowse.screen.diff import Frame, Rect

SLOTS = 64
MAX_PIXELS = 64 * 64
"""Only rectangles up to this many pixels are cached (a glyph, a caret, an icon)."""

Pixels = npt.NDArray[np.uint32]


def cacheable(rect: Rect, encoding: int, encodings: frozenset[int]) -> bool:
    """Whether a rectangle sent with ``encoding`` enters the cache (both sides)."""
    return encoding in encodings and rect.w * rect.h <= MAX_PIXELS


class EncoderCache:
    """The sender's slots: the exact bytes of each cached region, and where they are."""

    def __init__(self, slots: int = SLOTS) -> None:
        self.slots = slots
        self.hits = 0
        self._keys: list[bytes | None] = []
        self._where: dict[bytes, int] = {}
        self._next = 0
        self.reset()

    def reset(self) -> None:
        self._keys, self._where, self._next = [None] * self.slots, {}, 0

    @staticmethod
    def key(region: Frame) -> bytes:
        h, w = region.shape[:2]
        return varint.uint(w) + varint.uint(h) + np.ascontiguousarray(region).tobytes()

    def find(self, key: bytes) -> bytes | None:
        """The CACHED rectangle data (the slot as a varint) for ``key``, or None."""
        slot = self._where.get(key)
        if slot is None:
            return None
        self.hits += 1
        return varint.uint(slot)

    def insert(self, key: bytes) -> None:
        old = self._keys[self._next]
        if old is not None and self._where.get(old) == self._next:
            del self._where[old]
        self._keys[self._next] = key
        self._where[key] = self._next
        self._next = (self._next + 1) % self.slots


class DecoderCache:
    """The receiver's slots: the decoded pixels."""

    def __init__(self, slots: int = SLOTS) -> None:
        self.slots = slots
        self._pixels: list[Pixels | None] = []
        self._next = 0
        self.reset()

    def reset(self) -> None:
        self._pixels, self._next = [None] * self.slots, 0

    def insert(self, pixels: Pixels) -> None:
        self._pixels[self._next] = np.array(pixels, np.uint32)  # own copy
        self._next = (self._next + 1) % self.slots

    def get(self, rect: Rect, data: memoryview) -> Pixels:
        read = varint.Reader(data, "screen update cache reference")
        slot = read.uint("slot", self.slots - 1)
        read.end()
        pixels = self._pixels[slot]
        if pixels is None:
            raise ProtocolError(f"screen update: cache slot {slot} is empty")
        if pixels.shape != (rect.h, rect.w):
            raise ProtocolError(f"screen update: cache slot {slot} holds another size")
        return pixels
