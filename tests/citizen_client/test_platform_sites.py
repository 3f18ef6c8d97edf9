"""The citizen client's native calls go through the platform layer: a platform with
native overlays and capture exclusion (Windows, macOS) is asked with native window ids."""

from __future__ import annotations

from typing import Any

import pytest
from citizen_fakes import OFFSCREEN
from PySide6.QtWidgets import QApplication, QWidget

from citizen_client import passive
from citizen_client.shielding import ShieldPublisher
from cobrowse import platform
from cobrowse.platform.base import Platform

pytestmark = OFFSCREEN


class RecordingPlatform(Platform):
    """Like Windows 10 2004+: overlays need native styles, windows can leave the capture."""

    name = "recording"
    native_overlays = True

    def __init__(self) -> None:
        self.overlays: list[tuple[int, bool]] = []
        self.excluded: list[int] = []

    def make_overlay(self, window: int, *, click_through: bool) -> None:
        self.overlays.append((window, click_through))

    def exclude_from_capture(self, window: int, exclude: bool = True) -> bool:
        self.excluded.append(window)
        return True


@pytest.fixture
def native(monkeypatch: pytest.MonkeyPatch) -> RecordingPlatform:
    fake = RecordingPlatform()
    monkeypatch.setattr(platform, "current", lambda: fake)
    return fake


def test_overlays_get_the_native_part_with_their_window_id(
    qtbot: Any, native: RecordingPlatform
) -> None:
    bar, banner = QWidget(), QWidget()
    bar.setWindowFlags(passive.overlay_flags(platform="windows"))
    banner.setWindowFlags(passive.overlay_flags(click_through=True, platform="windows"))
    for w in (bar, banner):
        qtbot.addWidget(w)
        passive.make_passive(w)
    assert native.overlays == [(int(bar.winId()), False), (int(banner.winId()), True)]


def test_windows_the_platform_keeps_out_of_the_capture_are_not_hatched(
    qtbot: Any, native: RecordingPlatform
) -> None:
    dialog = QWidget()
    dialog.setWindowFlags(passive.overlay_flags(platform="windows"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog in QApplication.topLevelWidgets()
    assert ShieldPublisher.hidden_windows() == []  # left out of the capture, not hatched
    assert int(dialog.winId()) in native.excluded
    assert ShieldPublisher.windows()  # but still shielded from the agent's clicks
