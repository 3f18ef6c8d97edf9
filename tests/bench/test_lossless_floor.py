"""bench/lossless.py: the page change's lossless floor is measured on the photo area
the change brought, next to our own one-pass encoding."""

from __future__ import annotations

import numpy as np

from bench import lossless
from cobrowse.screen.diff import Rect


def page(seed: int) -> np.ndarray:
    """A white 640x384 page with a grainy 512x128 photo at (64, 128)."""
    rng = np.random.default_rng(seed)
    frame = np.full((384, 640, 4), 255, np.uint8)
    yy, xx = np.mgrid[0:128, 0:512]
    smooth = np.stack([xx % 256, yy * 2, (xx + yy) % 256], -1)
    frame[128:256, 64:576, :3] = (smooth + rng.normal(0, 6, smooth.shape)).clip(0, 255)
    frame[300:310, 40 + seed : 200 + seed, :3] = 30  # a line of "text"
    return frame


def test_the_floor_codes_the_new_photo_and_counts_the_rest_as_we_send_it() -> None:
    before, after = page(1), page(2)
    assert lossless.photo_box(before, after) == Rect(64, 128, 512, 128)
    floor = lossless.measure(before, after)
    photo = floor["photo"]
    coders = {k: v["kb"] for k, v in photo.items() if isinstance(v, dict) and "kb" in v}
    assert {"grad_deflate", "png_optimize"} <= set(coders) and len(coders) == 6
    raw_kb = 512 * 128 * 3 / 1000
    assert all(0 < kb < raw_kb for kb in coders.values())
    assert 0 < photo["med_entropy_kb"] < raw_kb
    assert floor["floor_kb"] == min(coders.values()) + floor["rest_ours_kb"]
    assert floor["rest_ours_kb"] > 0  # the text line, as our encoder sends it
    psnr = [v["psnr_db"] for v in photo["jpeg"].values()]
    assert psnr == sorted(psnr) and psnr[0] > 25  # better quality, closer to exact


def test_no_photo_in_the_change_means_no_photo_floor() -> None:
    before = np.full((128, 128, 4), 255, np.uint8)
    after = before.copy()
    after[10:20, 10:60, :3] = 0
    floor = lossless.measure(before, after)
    assert "photo" not in floor and floor["ours_one_lossless_pass"]["kb"] > 0
