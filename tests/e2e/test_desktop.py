"""The real desktop the whole-system tests stand on: openbox manages Chromium,
the page has the keyboard focus, and what reaches the page can be read back."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.xvfb


def test_chromium_page_under_a_window_manager_gets_keys_and_clicks(desktop: Any) -> None:
    assert "boligstøtte" in desktop.focused_window()
    desktop.click_field("navn")
    desktop.xdotool("type", "--delay", "20", "Hej æøå")
    assert desktop.value("navn") == "Hej æøå"
    kinds = {kind for kind, _key, _target in desktop.seen()}
    assert {"click", "keydown", "focusin"} <= kinds
