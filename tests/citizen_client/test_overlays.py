"""The overlays, offscreen: flags that never take the focus, the bar's size and place,
dragging, the click-through banner with its fold button, what is hatched for the
agent, and where the keyboard focus goes back after a question."""

from __future__ import annotations

from typing import Any

import pytest
from citizen_fakes import OFFSCREEN, to_controlled, to_sharing
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QWidget

from citizen_client.app import CitizenApp
from citizen_client.overlays import usable_rect
from citizen_client.passive import overlay_flags
from citizen_client.shielding import ShieldPublisher
from cobrowse.platform.x11.focus import FocusReturn
from cobrowse.session import events as ev

pytestmark = OFFSCREEN
W = Qt.WindowType
BAR_BUDGET = (520, 44)  # logical pixels at 96 DPI; the old bar was 1260 x 92


def overlays(app: CitizenApp) -> list[QWidget]:
    v = app.view
    return [v.bar, v.banner, v.banner.tab, v.ring, *v.frame.edges]


def test_no_overlay_can_take_the_keyboard_focus(citizen: CitizenApp) -> None:
    for w in overlays(citizen):
        assert w.windowFlags() & W.WindowDoesNotAcceptFocus, w.objectName()
        assert w.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        assert w.focusPolicy() == Qt.FocusPolicy.NoFocus
        for button in w.findChildren(QAbstractButton):
            assert button.focusPolicy() == Qt.FocusPolicy.NoFocus, button.text()
    click_through = {citizen.view.banner, citizen.view.ring, *citizen.view.frame.edges}
    for w in overlays(citizen):
        assert bool(w.windowFlags() & W.WindowTransparentForInput) == (w in click_through)


def test_x11_overlays_bypass_the_window_manager() -> None:
    assert overlay_flags(platform="xcb") & W.X11BypassWindowManagerHint
    assert overlay_flags(platform="xcb", click_through=True) & W.WindowTransparentForInput
    assert not overlay_flags(platform="windows") & W.X11BypassWindowManagerHint
    assert overlay_flags(platform="windows") & W.WindowDoesNotAcceptFocus


@pytest.mark.parametrize("lang", ["da", "en"])
def test_bar_is_a_small_strip_at_the_bottom_centre(citizen: CitizenApp, lang: str) -> None:
    to_controlled(citizen)
    citizen.view.lang = lang
    bar, area = citizen.view.bar, usable_rect()
    for phase in ("controlled", "sharing", "paused", "reconnecting"):
        citizen.view.set_phase(phase)
        assert bar.isVisible()
        assert bar.width() <= BAR_BUDGET[0] and bar.height() <= BAR_BUDGET[1], (phase, bar.size())
        assert abs(bar.geometry().center().x() - area.center().x()) <= 1
        assert area.bottom() - 40 <= bar.geometry().bottom() <= area.bottom()
        visible = [b for b in bar.findChildren(QAbstractButton) if b.isVisibleTo(bar)]
        assert 1 <= len(visible) <= 2
        bar.text.ensurePolished()
        assert bar.text.font().pointSize() >= 14 and bar.text.font().bold()


def test_the_citizen_can_drag_the_bar_and_it_stays_there(citizen: CitizenApp, qtbot: Any) -> None:
    to_sharing(citizen)
    bar = citizen.view.bar
    start = bar.pos()
    grab = QPoint(bar.text.x() + 5, bar.height() // 2)
    qtbot.mousePress(bar, Qt.MouseButton.LeftButton, pos=grab)
    qtbot.mouseMove(bar, grab - QPoint(150, 300))
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=grab - QPoint(150, 300))
    assert bar.pos() == start - QPoint(150, 300)
    centre_x, bottom = bar.x() + bar.width() // 2, bar.y() + bar.height()
    citizen.view.set_phase("paused")  # a wider bar: it keeps its place, not the dock
    assert abs(bar.x() + bar.width() // 2 - centre_x) <= 1
    assert bar.y() + bar.height() == bottom


def test_banner_folds_away_and_a_new_step_unfolds_it(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(ev.ShowStep(2, 5, "agentens titel", "Skriv dit navn."))
    banner = citizen.view.banner
    assert banner.isVisible() and banner.tab.isVisible() and banner.tab.text() == "Skjul trin ▾"
    banner.tab.click()
    assert not banner.isVisible() and banner.tab.text() == "Vis trin 2 ▴"
    citizen.view.toggle_language()
    assert banner.tab.text() == "Show step 2 ▴" and not banner.isVisible()
    banner.tab.click()
    assert banner.isVisible() and banner.tab.text() == "Hide step ▾"
    banner.tab.click()
    citizen.handle(ev.ShowStep(3, 5, "agentens titel", "Klik på 'Send'."))
    assert banner.isVisible() and banner.title.text() == "Step 3 of 5"
    assert banner.tab.geometry().bottom() < banner.geometry().top() + 2  # above, not on it


def test_agent_sees_our_windows_hatched_but_the_frame_and_ring(citizen: CitizenApp) -> None:
    to_controlled(citizen)
    citizen.handle(ev.ShowStep(2, 5, "t", "Skriv dit navn."))
    citizen.handle(ev.Highlight(300, 300))
    v = citizen.view

    def rect(w: QWidget) -> tuple[int, int, int, int]:
        g = w.frameGeometry()
        return g.x(), g.y(), g.width(), g.height()

    hidden, shielded = ShieldPublisher.hidden_windows(), ShieldPublisher.windows()
    for w in (v.bar, v.banner, v.banner.tab):
        assert rect(w) in hidden
    for w in (v.ring, *v.frame.edges):
        assert rect(w) not in hidden and rect(w) not in shielded
    assert rect(v.banner) not in shielded  # clicks go through it: not refused
    assert rect(v.bar) in shielded and rect(v.banner.tab) in shielded


class FakeX:
    """What FocusReturn reads from the X server, as a dict of properties."""

    root = 1
    HIDDEN = 99

    def __init__(self) -> None:
        self.props: dict[tuple[int, str], list[int]] = {}
        self.activated: list[int] = []

    def windows(self, window: int, name: str) -> list[int]:
        return self.props.get((window, name), [])

    def atom(self, name: str) -> int:
        return self.HIDDEN

    def activate(self, window: int) -> None:
        self.activated.append(window)

    def close(self) -> None:
        pass


def test_focus_goes_back_to_the_citizens_window_never_ours() -> None:
    x = FakeX()
    focus = FocusReturn(lambda: [50, 51], lambda: x)  # 50, 51: our windows
    x.props[(1, "_NET_CLIENT_LIST_STACKING")] = [30, 40, 50, 51]  # bottom to top
    x.props[(1, "_NET_ACTIVE_WINDOW")] = [30]  # the citizen was in window 30
    focus.remember()
    x.props[(1, "_NET_ACTIVE_WINDOW")] = [51]  # our question took the focus
    assert focus.give_back() == 30 and x.activated == [30]

    focus = FocusReturn(lambda: [50, 51], lambda: x)
    x.props[(1, "_NET_ACTIVE_WINDOW")] = [50]  # the citizen was in our own window
    focus.remember()
    x.props[(40, "_NET_WM_STATE")] = [FakeX.HIDDEN]  # 40 is minimised
    assert focus.give_back() == 30  # the topmost other visible window
    assert FocusReturn(lambda: [], lambda: None).give_back() == 0  # no X11: nothing


def test_main_window_counts_only_while_it_is_on_top(citizen: CitizenApp, qtbot: Any) -> None:
    """Behind the citizen's browser the main window's rectangle is the page: neither
    hatched nor refused there; while it is the active window it is both."""
    to_sharing(citizen)
    main = citizen.view.window
    main.showNormal()
    g = main.frameGeometry()
    rect = (g.x(), g.y(), g.width(), g.height())
    if main.isActiveWindow():
        assert rect in ShieldPublisher.windows() and rect in ShieldPublisher.hidden_windows()
    browser = QWidget()  # stands in for the citizen's browser
    qtbot.addWidget(browser)
    browser.show()
    browser.activateWindow()
    qtbot.waitUntil(lambda: not main.isActiveWindow(), timeout=3000)
    assert rect not in ShieldPublisher.windows() and rect not in ShieldPublisher.hidden_windows()
    main.activateWindow()
    qtbot.waitUntil(main.isActiveWindow, timeout=3000)
    assert rect in ShieldPublisher.windows() and rect in ShieldPublisher.hidden_windows()
