"""Paints the app's phase onto the windows, in the chosen language.

:meth:`View.render` is the only place that decides what is visible; it runs after
every phase change and on a language switch, so nothing can be left showing by
accident (the frame and overlays disappear the moment the phase says so).

Setting :attr:`View.lang` installs that language's Qt translators
(:func:`qtlang.install`): our texts, and Qt's own for standard buttons and menus.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from citizen_client.about import show_about
from citizen_client.banner import StepBanner
from citizen_client.dialogs import AskDialog
from citizen_client.overlays import ControlFrame, HighlightRing, SharingBar
from citizen_client.screens import Rect, logical_point, logical_rect
from citizen_client.texts import clock, phrase, spaced, when
from citizen_client.window import MainWindow, name_parts
from cobrowse import platform
from cobrowse.hours import OpeningHours
from cobrowse.platform.base import FocusKeeper, NoFocusKeeper
from cobrowse.session.endpoint import HotlineStatus
from qtlang import install

BAR_PHASES = ("sharing", "ask_control", "controlled", "paused", "reconnecting", "helper_away")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")  # not "kl. 19"
WAITING = ("connecting", "code", "unreachable", "closed")  # no agent has joined yet
AWAY = ("reconnecting", "helper_away")  # the window explains; no stale step over it
NOTES = {  # why a new code is shown: (heading, detail) over the code
    "denied": ("denied", "denied_detail"),
    "wrong_code": ("wrong_code", ""),
    "expired": ("code_expired", ""),
    "lost": ("lost_new_code", ""),
    "failed": ("failed_new_code", ""),
    "insecure": ("insecure_new_code", ""),
}


class View:
    def __init__(
        self, lang: str = "da", hours: OpeningHours | None = None, hotline_name: str = ""
    ) -> None:
        self.lang = lang  # installs the translators before any widget is made
        self.hours = hours
        self.hotline_name = hotline_name
        self.window = MainWindow()
        self.bar = SharingBar()
        self.frame = ControlFrame()
        self.ring = HighlightRing()
        self.banner = StepBanner()
        self.view_dialog = AskDialog("view")
        self.control_dialog = AskDialog("control")
        self.link_dialog = AskDialog("link")
        self.combo_dialog = AskDialog("combo")
        self.phase = "connecting"
        self.agent = ("", "")
        self.verifier: str | None = None
        self.monitor: Rect = (0, 0, 1, 1)
        self.note = ""
        self.code = ""
        self.retry = 0
        self.problem = ""
        self.step: tuple[int, int, str] | None = None  # number, total, citizen text
        self.link_url = ""
        self.ended_key = "ended"
        self.guide = ""  # the current checklist's guide page; "" = no guide button
        self.combo_keys = ""
        self.hotline: HotlineStatus | None = None  # the relay's last word on presence
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)  # tests set the clock
        self.focus = self._focus_keeper()
        for dialog in self.dialogs():
            dialog.gone.connect(self._dialog_gone)
        self.window.about_clicked.connect(self.about)

    @property
    def lang(self) -> str:
        return self._lang

    @lang.setter
    def lang(self, lang: str) -> None:
        install("citizen", lang)
        self._lang = lang

    def t(self, key: str, **fields: object) -> str:
        name, municipality = self.agent
        return phrase(key, name=name or "?", municipality=municipality, **fields)

    # changes -----------------------------------------------------------------------

    def set_phase(self, phase: str) -> None:
        if phase not in ("connecting", "code", "unreachable"):
            self.note = ""
        before, self.phase = self.phase, phase
        self.render()
        self._place_window(before)

    def _place_window(self, before: str) -> None:
        """Out of the way while the screen is shared - the agent needs to see the
        citizen's form, not this window, and the bar on top says what is going on -
        and back when the session has ended."""
        if before in ("ask_view", "helper_away") and self.phase == "sharing":
            self.window.showMinimized()
        elif self.phase in ("ended", "helper_away") and self.window.isMinimized():
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()
            self.window.status.action.setFocus()  # Enter: a new number

    def unreachable(self, retry_in: float) -> None:
        self.retry = max(1, math.ceil(retry_in))
        self.set_phase("unreachable")

    def show_code(self, digits: str) -> None:
        self.code = digits
        self.verifier = None
        self.set_phase("code")

    def hotline_status(self, status: HotlineStatus) -> None:
        """Open: repaint the presence line under the code.  Closed while waiting: the code
        is gone (the relay hung up); show the relay's words until a new code comes."""
        if status.open:
            self.hotline = status
            self.render()
        elif self.phase in WAITING:
            self.hotline = status
            self.code = ""
            self.set_phase("closed")

    def config_problem(self, problem: str) -> None:
        self.problem = problem
        self.set_phase("config")

    def ended(self, key: str) -> None:
        self.ended_key = key
        self.step = None
        self.set_phase("ended")

    def show_step(self, number: int, total: int, title: str, text: str) -> None:
        """Only the step's citizen text is shown; ``title`` is the agent's and never
        reaches the citizen's screen.  A step without citizen text removes the banner."""
        del title
        self.step = (number, total, text) if text.strip() else None
        self.banner.unfold()
        self.render()

    def highlight(self, x: int, y: int) -> None:
        self.ring.point_at(logical_point(self.monitor, x, y))

    def ask_link(self, url: str) -> None:
        self.link_url = url
        self._link_texts()
        self._ask(self.link_dialog, focus_yes=False)

    def ask_combo(self, label: str) -> None:
        self.combo_keys = label
        self._combo_texts()
        self._ask(self.combo_dialog, focus_yes=False)

    def _combo_texts(self) -> None:
        self.combo_dialog.set_texts(
            self.t("title"),
            self.t("combo_question", keys=self.combo_keys),
            self.t("combo_detail"),
            self.t("allow"),
            self.t("no"),
        )

    def about(self) -> None:
        """The "Om" box: program, version, hotline, and that the relay sees nothing."""
        show_about(self.window, self.hotline_name)

    def toggle_language(self) -> None:
        self.lang = "en" if self.lang == "da" else "da"
        self.render()
        if self.link_dialog.isVisible():
            self._link_texts()
        if self.combo_dialog.isVisible():
            self._combo_texts()

    def dialogs(self) -> tuple[AskDialog, ...]:
        return (self.view_dialog, self.control_dialog, self.link_dialog, self.combo_dialog)

    def windows(self) -> tuple[QWidget, ...]:
        """Every top-level window of the client, overlays included."""
        return (
            self.window,
            self.bar,
            self.ring,
            self.banner,
            self.banner.tab,
            *self.dialogs(),
            *self.frame.edges,
        )

    # the keyboard focus goes back to the citizen's application ------------------

    def _ask(self, dialog: AskDialog, focus_yes: bool) -> None:
        self.focus.remember()  # where the citizen was working
        dialog.ask(focus_yes)

    def _dialog_gone(self) -> None:
        """After the change that closed it has settled (the main window minimised,
        another question perhaps shown), unless one of our questions is still up."""
        QTimer.singleShot(0, self._focus_back)

    def _focus_back(self) -> None:
        if not any(d.isVisible() for d in self.dialogs()) and self.phase in BAR_PHASES:
            self.focus.give_back()

    def _own_ids(self) -> list[int]:
        return [int(w.winId()) for w in self.windows()]

    def _focus_keeper(self) -> FocusKeeper:
        """The platform's (X11: EWMH); none where our windows are no X11 windows
        (Qt's offscreen platform in tests, or native Wayland)."""
        native = platform.current()
        if native.name == "x11" and QGuiApplication.platformName() != "xcb":
            return NoFocusKeeper()
        return native.focus_keeper(self._own_ids)

    def close_all(self) -> None:
        for w in self.windows()[1:]:  # all but the main window
            w.hide()

    def dispose(self) -> None:
        """Hide and schedule deletion of every window (tests, and at exit)."""
        self.close_all()
        for w in self.windows():
            w.deleteLater()
        self.focus.close()

    # painting ----------------------------------------------------------------------

    def render(self) -> None:
        for window in self.windows():
            name_parts(window)
        self.window.setWindowTitle(self.t("title"))
        self.window.language.setText(self.t("language"))
        self.window.language.setAccessibleName(self.t("language"))
        self.window.about.setText(self.t("about"))
        paint: Callable[[], None] = getattr(self, f"_main_{self.phase}", self._main_sharing)
        paint()
        self._bar()
        self._frame()
        if self.phase not in ("sharing", "ask_control", "controlled"):
            self.ring.hide()
        self._dialogs()
        self._banner()

    def _main_connecting(self) -> None:
        heading, detail = NOTES.get(self.note, ("connecting", "connecting_detail"))
        self.window.show_status(self.t(heading), self.t(detail) if detail else "")

    def _main_unreachable(self) -> None:
        heading = self.t("unreachable")
        detail = self.t("unreachable_detail", seconds=self.retry)
        now = self.now()
        if self.hours is not None and not self.hours.is_open(now):
            heading, _, when = self.hours.closed_message(now, self.lang).partition(". ")
            heading, detail = f"{heading}.", f"{when}\n\n{detail}"
        self.window.show_status(heading, detail)

    def _main_code(self) -> None:
        heading, detail = NOTES.get(self.note, ("", ""))
        note = " ".join(self.t(k) for k in (heading, detail) if k)
        self.window.show_code(self.t("code_heading"), self.code, self.t("code_hint"), note)
        h, presence = self.hotline, ""
        if h is not None and h.open:
            presence = self.t("agent_ready" if h.agents_online > 0 else "no_agent")
        self.window.code.show_presence(
            presence, self.t("hotline_name"), busy=h is not None and h.agents_online == 0
        )

    def _main_closed(self) -> None:
        h = self.hotline or HotlineStatus(False)
        message = (h.message_da if self.lang == "da" else h.message_en) or self.t("closed")
        heading, *lines = SENTENCE.split(message)  # "Hotlinen er lukket." is the heading
        try:
            start = datetime.fromisoformat(h.next_opening or "")
        except ValueError:
            start = None
        if (
            start is not None
            and clock("da", start) not in message
            and clock("en", start) not in message
        ):  # the relay did not say when
            lines.append(self.t("next_opening", when=when(self.lang, start, self.now())))
        paragraphs = ["\n".join(lines), self.t("closed_retry")]  # a line per sentence
        self.window.show_status(heading, "\n\n".join(p for p in paragraphs if p))

    def _main_pairing(self) -> None:
        self.window.show_status(self.t("joined"), self.t("pairing"))

    _main_ask_view = _main_pairing

    def _main_sharing(self) -> None:
        if self.phase == "controlled":  # the same button as on the bar, for keyboard users
            self.window.show_status(self._bar_text(), self.t("hotkey_hint"), self.t("take_back"))
        else:
            self.window.show_status(self._bar_text(), self.t("view_detail"))

    def _main_reconnecting(self) -> None:
        self.window.show_status(self.t("reconnecting"), self.t("reconnecting_detail"))

    def _main_helper_away(self) -> None:
        self.window.show_status(
            self.t("helper_away"), self.t("helper_away_detail"), self.t("new_code")
        )

    def _main_ended(self) -> None:
        detail = self.t("ended_own_detail" if self.ended_key == "ended" else "ended_detail")
        self.window.show_status(
            self.t(self.ended_key),
            detail,
            self.t("new_code"),
            self.t("close"),
            self.t("guide") if self.guide else "",
        )

    def _main_config(self) -> None:
        self.window.show_status(
            self.t("config_problem"), self.t("config_detail", problem=self.problem), self.t("close")
        )

    def _bar_text(self, prefix: str = "") -> str:
        own = ("paused", "controlled", "reconnecting", "helper_away")
        key = self.phase if self.phase in own else "sharing"
        return self.t(prefix + key, first=first_name(self.agent[0]))

    def _bar(self) -> None:
        """The small strip: two buttons at most (Pause/Fortsæt or Tag kontrollen
        tilbage, and Stop) so it stays small."""
        if self.phase not in BAR_PHASES:
            self.bar.hide()
            return
        pause = self.t("resume") if self.phase == "paused" else self.t("pause")
        if self.phase in ("reconnecting", "controlled", "helper_away"):
            pause = ""
        take_back = self.t("take_back") if self.phase == "controlled" else ""
        self.bar.set_texts(self._bar_text("bar_"), pause, self.t("stop"), take_back)
        self.bar.show()

    def _frame(self) -> None:
        if self.phase == "controlled":
            self.frame.show_around(logical_rect(self.monitor))
        else:
            self.frame.hide()

    def _dialogs(self) -> None:
        self._dialog(
            self.view_dialog,
            self.phase == "ask_view",
            focus_yes=True,
            texts=(
                self.t("title"),
                self.t("view_question"),
                self.t("view_detail"),
                self.t("allow"),
                self.t("deny"),
            ),
        )
        verifier = spaced(self.verifier or "")
        self._dialog(
            self.control_dialog,
            self.phase == "ask_control",
            focus_yes=False,
            texts=(
                self.t("title"),
                self.t("control_question"),
                self.t("control_verifier"),
                self.t("allow_control"),
                self.t("no"),
                verifier,
            ),
        )
        if self.phase in ("ended", "config", "reconnecting", "helper_away", "paused"):
            self.link_dialog.withdraw()
        if self.phase != "controlled":
            self.combo_dialog.withdraw()

    def _dialog(
        self, dialog: AskDialog, wanted: bool, focus_yes: bool, texts: tuple[str, ...]
    ) -> None:
        dialog.set_texts(*texts)
        if wanted and not dialog.isVisible():
            self._ask(dialog, focus_yes)
        elif not wanted and dialog.isVisible():
            dialog.withdraw()

    def _link_texts(self) -> None:
        shown = self.link_url.replace("/", "/\u200b")  # let long addresses wrap
        self.link_dialog.set_texts(
            self.t("title"), self.t("link_question"), shown, self.t("open"), self.t("no")
        )

    def _banner(self) -> None:
        if self.step is None or self.phase not in BAR_PHASES or self.phase in AWAY:
            self.banner.withdraw()
            return
        number, total, text = self.step
        self.banner.show_step(
            self.t("step", number=number, total=total),
            text,
            self.t("fold"),
            self.t("unfold", number=number),
        )


def first_name(name: str, longest: int = 16) -> str:
    """What the bar calls the agent: the first name, shortened if very long."""
    first = (name.split() or ["?"])[0]
    return first if len(first) <= longest else first[: longest - 1] + "\u2026"
