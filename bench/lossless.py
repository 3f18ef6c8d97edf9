"""The physical floor for the page change's bytes: the lossless coders available here
on exactly what the page change changed, next to ours.

The changed pixels split into the photo area (the bounding box of the changed 64x64
tiles with more than 256 colours: the new banner) and the rest (text and UI).  The
photo area is coded with our GRAD + deflate (``Z_RLE``, what the refresh sends), WebP
lossless through Pillow at several efforts (what a better photo coder could send),
PNG with ``optimize``, and the order-0 entropy of MED-predicted residuals (the
JPEG-LS predictor; an estimate, not a coder).  The whole change is also encoded by
our encoder in one lossless pass.  The lossy first pass is JPEG at three qualities
with its PSNR against the exact pixels.  Times are wall time in the benchmark
process (once, after the stacks are measured).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

from cobrowse.screen import rects
from cobrowse.screen.diff import TILE, Rect, as_u32
from cobrowse.screen.encoder import FrameEncoder

WEBP = ((0, 0), (1, 0), (4, 100), (6, 100))
"""(method, quality): for lossless WebP ``quality`` is the effort (100: the most)."""
JPEG_QUALITIES = (50, 75, 90)


def _timed(code: Callable[[], int]) -> dict[str, float]:
    start = time.perf_counter()
    size = code()
    return {"kb": size / 1000, "ms": 1000 * (time.perf_counter() - start)}


def _webp(image: Image.Image, method: int, effort: int) -> int:
    out = io.BytesIO()
    image.save(out, "WEBP", lossless=True, method=method, quality=effort)
    return out.tell()


def _png(image: Image.Image) -> int:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.tell()


def med_entropy_kb(region: np.ndarray) -> float:
    """Order-0 entropy (kB) of the MED (LOCO-I) prediction residuals of the planes
    B-G, G, R-G: what a coder with that predictor and no context model would need."""
    planes = rects._planes(region).astype(np.int16)
    padded = np.zeros((3, planes.shape[1] + 1, planes.shape[2] + 1), np.int16)
    padded[:, 1:, 1:] = planes
    left, up, corner = padded[:, 1:, :-1], padded[:, :-1, 1:], padded[:, :-1, :-1]
    low, high = np.minimum(left, up), np.maximum(left, up)
    guess = np.where(corner >= high, low, np.where(corner <= low, high, left + up - corner))
    bits = 0.0
    for residual in (planes - guess) % 256:
        counts = np.bincount(residual.ravel(), minlength=256)
        p = counts[counts > 0] / residual.size
        bits -= float((p * np.log2(p)).sum()) * residual.size
    return bits / 8 / 1000


def photo_box(before: np.ndarray, after: np.ndarray) -> Rect | None:
    """Bounding box of the changed tiles with more than 256 colours."""
    changed = as_u32(before) != as_u32(after)
    h, w = changed.shape
    found: list[tuple[int, int]] = []
    for y in range(0, h, TILE):
        for x in range(0, w, TILE):
            if changed[y : y + TILE, x : x + TILE].any() and rects.colors_over(
                after[y : y + TILE, x : x + TILE], 256
            ):
                found.append((x, y))
    if not found:
        return None
    x0, y0 = min(x for x, _ in found), min(y for _, y in found)
    x1, y1 = max(x for x, _ in found) + TILE, max(y for _, y in found) + TILE
    return Rect(x0, y0, min(w, x1) - x0, min(h, y1) - y0)


def _psnr(exact: np.ndarray, lossy: np.ndarray) -> float:
    error = np.mean((exact.astype(np.float64) - lossy.astype(np.float64)) ** 2)
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)


def _jpeg(region: np.ndarray, quality: int) -> dict[str, float]:
    start = time.perf_counter()
    _, data = rects.encode_jpeg(region, quality)
    ms = 1000 * (time.perf_counter() - start)
    shown = rects.decode(
        Rect(0, 0, region.shape[1], region.shape[0]),
        rects.JPEG,
        memoryview(data),
        rects.Inflaters(),
    )
    lossy = shown.view(np.uint8).reshape(region.shape)
    return {"kb": len(data) / 1000, "ms": ms, "psnr_db": _psnr(region[..., :3], lossy[..., :3])}


def _ours_one_pass(before: np.ndarray, after: np.ndarray) -> dict[str, float]:
    """Our encoder, the change in one exact pass (no JPEG first): payload bytes."""
    encoder = FrameEncoder(jpeg_first_tiles=10**9)
    encoder.encode(before.copy())
    return _timed(lambda: len(encoder.encode(after.copy()) or b""))


def measure(before: np.ndarray, after: np.ndarray) -> dict[str, Any]:
    """Every coder on the page change from ``before`` to ``after`` (BGRA screens)."""
    changed = as_u32(before) != as_u32(after)
    out: dict[str, Any] = {"changed_pixels": int(changed.sum())}
    out["ours_one_lossless_pass"] = _ours_one_pass(before, after)
    box = photo_box(before, after)
    if box is None:
        return out
    region = np.ascontiguousarray(after[box.y : box.y + box.h, box.x : box.x + box.w])
    image = Image.fromarray(np.ascontiguousarray(region[..., 2::-1]))
    photo: dict[str, Any] = {"box": list(box)}
    photo["grad_deflate"] = _timed(lambda: len(rects.encode_lossless(region, photo=True)[1]))
    for method, effort in WEBP:
        photo[f"webp_lossless_m{method}_q{effort}"] = _timed(
            lambda m=method, e=effort: _webp(image, m, e)  # type: ignore[misc]
        )
    photo["png_optimize"] = _timed(lambda: _png(image))
    photo["med_entropy_kb"] = med_entropy_kb(region)
    photo["jpeg"] = {str(q): _jpeg(region, q) for q in JPEG_QUALITIES}
    out["photo"] = photo
    best = min(v["kb"] for k, v in photo.items() if k.startswith(("grad", "webp", "png")))
    rest = out["ours_one_lossless_pass"]["kb"] - photo["grad_deflate"]["kb"]
    out["rest_ours_kb"] = rest
    out["floor_kb"] = best + rest
    return out


def show(floor: dict[str, Any], ours_kb: float, target_kb: float) -> None:
    """The floor next to what we sent."""
    photo = floor.get("photo")
    one = floor["ours_one_lossless_pass"]
    print(
        f"page change bytes, lossless floor (first page change, {floor['changed_pixels']} "
        f"pixels changed; ours in one exact pass {one['kb']:.0f} kB, {one['ms']:.0f} ms):"
    )
    if photo is None:
        return
    _, _, w, h = photo["box"]
    coders = [(k, v) for k, v in photo.items() if isinstance(v, dict) and "kb" in v]
    print(
        f"  photo area {w}x{h}: "
        + ", ".join(f"{k} {v['kb']:.0f} kB ({v['ms']:.0f} ms)" for k, v in coders)
    )
    print(f"  photo area, MED residuals' order-0 entropy {photo['med_entropy_kb']:.0f} kB")
    jpeg = photo["jpeg"]
    print(
        "  lossy first pass of the photo area: "
        + ", ".join(f"JPEG q{q} {v['kb']:.0f} kB {v['psnr_db']:.1f} dB" for q, v in jpeg.items())
    )
    print(
        f"  floor = best lossless photo + the rest as we send it ({floor['rest_ours_kb']:.0f} kB)"
        f" = {floor['floor_kb']:.0f} kB; target {target_kb:.0f} kB; ours on the wire"
        f" {ours_kb:.0f} kB (JPEG first, then exact)"
    )
