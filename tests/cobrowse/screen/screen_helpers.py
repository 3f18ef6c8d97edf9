"""Synthetic frames for the screen tests (imported by name: tests are not a package)."""

from __future__ import annotations

import numpy as np


def bgra(rgb: np.ndarray) -> np.ndarray:
    """RGB uint8 -> BGRA uint8 with alpha 255."""
    out = np.full((*rgb.shape[:2], 4), 255, np.uint8)
    out[..., :3] = rgb[..., ::-1]
    return out


def ui_frame(width: int = 640, height: int = 360, seed: int = 0) -> np.ndarray:
    """A synthetic UI-like frame: flat panels, text-like strokes and a photo area."""
    rng = np.random.default_rng(seed)
    frame = np.full((height, width, 4), 255, np.uint8)
    frame[:40] = (60, 20, 20, 255)
    for row in range(60, height - 20, 24):  # "text": dark strokes with grey edges
        marks = rng.random((10, width // 2)) < 0.3
        frame[row : row + 10, 20 : 20 + width // 2][marks] = (30, 30, 30, 255)
        frame[row + 10 : row + 11, 20 : 20 + width // 2] = (128, 128, 128, 255)
    ph, pw = min(120, height // 3), min(200, width // 3)
    photo = rng.integers(0, 256, (ph, pw, 3), dtype=np.uint8)
    y, x = np.mgrid[0:ph, 0:pw]
    smooth = np.stack([x, y, x + y], -1).astype(np.uint8)
    frame[height - ph - 20 : height - 20, width - pw - 20 : width - 20, :3] = (
        smooth // 2 + photo // 8
    )
    return frame
