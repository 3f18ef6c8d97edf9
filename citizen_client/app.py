"""The citizen client's brain on the GUI thread: session events in, windows out.

:meth:`CitizenApp.handle` receives every endpoint event (through the queued
:class:`~citizen_client.bridge.EventBridge`) and moves the app between phases::

    connecting -> code -> pairing -> ask_view -> sharing <-> ask_control -> controlled
         ^  unreachable, closed      | deny: new code      sharing <-> paused
         |                           v                     any -> reconnecting -> back
         +------------------------- code                   any -> helper_away -> back
                                                           any -> ended -> code

``reconnecting``: our own line dropped; ``helper_away``: the agent's line dropped
and the relay waits for it.  Control is off in both.  An end by the helper (or the
relay closing the room) shows ``ended`` with a "new number" button; a failure on
our side (relay lost, pairing failed) shows the fresh code at once with a note.

The phase and the data behind it live here; :mod:`citizen_client.view` paints
them (again, on a language switch).  Consent answers go to the endpoint as
ConsentGrant / ConsentDeny; only a granted control request arms the injector.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject

from citizen_client.bridge import EventBridge
from citizen_client.combos import BlockedCombo, ComboHandler
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from citizen_client.links import LinkHandler, guide_link
from citizen_client.netside import NetRouter, ScreenShare
from citizen_client.shielding import ShieldPublisher
from citizen_client.view import View
from cobrowse.session import events as ev
from cobrowse.session.endpoint import (
    AgentJoined,
    CodeReady,
    HotlineStatus,
    PeerLeft,
    RelayUnreachable,
)
from cobrowse.session.state import State

log = logging.getLogger(__name__)
SHARING = ("sharing", "ask_control", "controlled", "paused")
AWAY = ("reconnecting", "helper_away")  # a line is down; the session may come back
HELPER_LOST = ("timeout", "connection_lost", "account_disabled")  # relay's final reasons
EndpointFactory = Callable[[str, Callable[[object], None]], Any]


@dataclass(frozen=True, slots=True)
class TakeBack:
    """Internal event: the citizen pressed Esc three times (from the hotkey thread)."""


class CitizenApp(QObject):
    """Owns the endpoint, the screen share, the injector and the view."""

    def __init__(
        self, config: CitizenConfig, endpoint_factory: EndpointFactory, devices: Devices
    ) -> None:
        super().__init__()
        self.config = config
        # the hotline's name arrives with the baked settings (issue 11 §1); "" leaves it out
        hotline_name = str(getattr(config, "hotline_name", "") or "")
        self.view = View(config.language, config.hours, hotline_name)
        self.bridge = EventBridge(self.handle)
        self.router = NetRouter(self.bridge.post)
        self.endpoint = endpoint_factory(config.relay_url, self.router)
        self.share = ScreenShare(self.endpoint, devices.streamer_factory, devices.secure_desktop)
        self.router.share = self.share
        self.devices = devices
        self.links = LinkHandler(self.view, self.endpoint, config.allowed_link_domains)
        self.combos = ComboHandler(self.view, devices)
        self.armed = False  # read by the injector's gate on the network thread
        # our own windows are out of the agent's reach
        self.shielding = ShieldPublisher(self.view.windows())
        self.share.hidden = self.shielding.hidden.rects  # and out of the agent's view
        self._renewing = False
        self._resume_phase = "sharing"
        self._spare_code = ""  # a fresh code that came while the end screen shows
        self._stoppers: list[threading.Thread] = []
        self._closed = False
        self._connect_view()

    def _connect_view(self) -> None:
        v = self.view
        v.view_dialog.answered.connect(self.answer_view)
        v.control_dialog.answered.connect(self.answer_control)
        v.bar.pause_clicked.connect(self.toggle_pause)
        v.bar.stop_clicked.connect(self.stop_session)
        v.bar.take_back_clicked.connect(self.take_back)
        v.window.language_clicked.connect(v.toggle_language)
        v.window.closing.connect(self.shutdown)
        v.window.status.action.clicked.connect(self._main_action)
        v.window.status.second.clicked.connect(v.window.close)
        v.window.status.guide.clicked.connect(lambda: self.links.open_guide(v.guide))

    def start(self) -> None:
        self.view.set_phase("connecting")
        self.view.window.show()
        self.endpoint.start()

    # the consent gate (network thread) -------------------------------------------

    def gate(self) -> bool:
        """True only while the citizen has granted control and the session agrees."""
        session = getattr(self.endpoint, "session", None)
        return self.armed and session is not None and session.state is State.CONTROLLING

    # events (GUI thread) ----------------------------------------------------------

    def handle(self, event: object) -> None:
        if self._closed:
            return  # late events from the network thread after the window closed
        handler = getattr(self, f"_on_{type(event).__name__}", None)
        if handler is not None:
            handler(event)

    def _on_RelayUnreachable(self, e: RelayUnreachable) -> None:  # noqa: N802
        log.info("relay not reachable; retrying in %.0f s", e.retry_in)
        if self.view.phase not in (*AWAY, "ended"):
            self.view.unreachable(e.retry_in)

    def _on_CodeReady(self, e: CodeReady) -> None:  # noqa: N802
        if self.view.phase == "ended":  # kept for the "new number" button
            self._spare_code = e.code.display()
            return
        self._renewing = False
        self.view.agent = ("", "")
        self.view.show_code(e.code.display())

    def _on_HotlineStatus(self, e: HotlineStatus) -> None:  # noqa: N802
        self.view.hotline_status(e)  # presence under the code, or "closed" while waiting

    def _on_AgentJoined(self, e: AgentJoined) -> None:  # noqa: N802
        self.view.agent = (e.name, e.municipality)
        self.view.guide = ""  # a new session: no checklist yet
        self.view.set_phase("pairing")

    def _on_Paired(self, e: ev.Paired) -> None:  # noqa: N802
        self.view.verifier = e.verifier

    def _on_Secured(self, e: ev.Secured) -> None:  # noqa: N802
        if self.view.phase in AWAY:
            self.view.set_phase(self._resume_phase)
            self.share.reset()
            if self._resume_phase == "sharing":
                self.share.resume()
                self.endpoint.send(self.share.screen_info())

    def _on_ConsentRequest(self, e: ev.ConsentRequest) -> None:  # noqa: N802
        if e.kind == "view" and self.view.phase in ("pairing", "code"):
            self.view.set_phase("ask_view")
        elif e.kind == "control" and self.view.phase == "sharing":
            self.view.set_phase("ask_control")

    def _on_ControlOff(self, e: ev.ControlOff) -> None:  # noqa: N802
        self.armed = False
        if self.view.phase in ("controlled", "ask_control"):
            self.view.set_phase("sharing")

    def _on_SelectMonitor(self, e: ev.SelectMonitor) -> None:  # noqa: N802
        self.share.select(e.index)
        info = self.share.screen_info()
        self.view.monitor = info.monitors[info.current]
        self.devices.set_monitor(self.view.monitor)
        self.endpoint.send(info)
        self.view.render()

    def _on_Highlight(self, e: ev.Highlight) -> None:  # noqa: N802
        if self.view.phase in SHARING and self.view.phase != "paused":
            self.view.highlight(e.x, e.y)

    def _on_ShowStep(self, e: ev.ShowStep) -> None:  # noqa: N802
        self.view.show_step(e.number, e.total, e.title, e.text)
        if e.checklist:
            c = self.config
            self.view.guide = guide_link(c.guide_url, e.checklist, c.allowed_link_domains)

    def _on_OpenLink(self, e: ev.OpenLink) -> None:  # noqa: N802
        self.links.request(e.url)

    def _on_Reconnecting(self, e: object) -> None:  # noqa: N802
        self._connection_lost("reconnecting")  # Secured puts the phase back

    def _on_PeerLeft(self, e: PeerLeft) -> None:  # noqa: N802
        self._connection_lost("helper_away")  # the relay waits for the helper

    def _on_SessionEnded(self, e: ev.SessionEnded) -> None:  # noqa: N802
        if self._renewing or self.view.phase == "ended":
            return  # our own end: already on screen
        if e.by_peer and self.view.verifier is not None:  # the helper ended, or the
            self._finish(_ended_key(e.reason))  # relay closed the room for good
            return
        # A failure on our side: that code is gone and a fresh one is on its way
        # (the endpoint asks for it by itself); show it with a word of what happened.
        self._quiet()
        note = "lost" if self.view.verifier is not None else "failed"
        self.view.note = {"wrong_code": "wrong_code", "security": "insecure"}.get(e.reason, note)
        self.view.verifier = None
        self.view.step = None
        self.view.set_phase("connecting")

    def _on_TakeBack(self, e: TakeBack) -> None:  # noqa: N802
        self.take_back()

    def _on_BlockedCombo(self, e: BlockedCombo) -> None:  # noqa: N802
        self.combos.blocked(e.names)

    # the citizen's answers and buttons ---------------------------------------

    def answer_view(self, yes: bool) -> None:
        if self.view.phase != "ask_view":
            return
        if not yes:
            self._deny_view()
            return
        self.endpoint.send(ev.ConsentGrant("view"))
        self.share.start()
        info = self.share.screen_info()
        self.endpoint.send(info)
        self.view.monitor = info.monitors[info.current]
        self.router.injector = self.devices.start(self.gate, self.view.monitor, self._hotkey)
        if self.router.injector is not None:
            self.router.injector.on_blocked = lambda names: self.bridge.post(BlockedCombo(names))
            self.router.injector.shield = self.shielding.shield
            self.router.injector.on_refused = lambda why: self.endpoint.send(ev.InputRefused(why))
        self.view.set_phase("sharing")

    def _deny_view(self) -> None:
        self.endpoint.send(ev.ConsentDeny("view"))
        self._renewing = True
        self.endpoint.end("denied")
        self.endpoint.new_code()
        self.view.note = "denied"
        self.view.set_phase("connecting")

    def answer_control(self, yes: bool) -> None:
        if self.view.phase != "ask_control":
            return
        if yes:
            self.endpoint.send(ev.ConsentGrant("control"))
            self.armed = True
            self.view.set_phase("controlled")
        else:
            self.endpoint.send(ev.ConsentDeny("control"))
            self.view.set_phase("sharing")

    def take_back(self) -> None:
        self.armed = False
        self.devices.release()
        if self.view.phase == "controlled":
            self.endpoint.send(ev.ConsentRevoke("control"))
            self.view.set_phase("sharing")

    def toggle_pause(self) -> None:
        if self.view.phase == "paused":
            self.endpoint.send(ev.PrivacyResume())
            self.share.resume()
            self.view.set_phase("sharing")
        elif self.view.phase in SHARING:
            self.armed = False
            self.devices.release()
            self.view.control_dialog.withdraw()
            self.endpoint.send(ev.PrivacyPause())
            self.share.pause()
            self.view.set_phase("paused")

    def stop_session(self) -> None:
        self.endpoint.end("done")
        self._finish("ended")

    def new_code(self) -> None:
        """The "new number" button: end what is left of the session, show a fresh code."""
        if self.view.phase == "helper_away":  # stop waiting for the helper
            self._renewing = True
            self.endpoint.end("done")
            self._quiet()
        code, self._spare_code = self._spare_code, ""
        self.view.verifier = None
        if code:
            self._renewing = False
            self.view.agent = ("", "")
            self.view.show_code(code)
            return
        self.endpoint.new_code()
        self.view.set_phase("connecting")

    def _main_action(self) -> None:
        """The main window's button: take back control, or a new number once it is over."""
        if self.view.phase == "controlled":
            self.take_back()
        elif self.view.phase in ("ended", "helper_away"):
            self.new_code()
        elif self.view.phase == "config":
            self.view.window.close()

    def _hotkey(self) -> None:
        """Esc pressed three times: runs on pynput's thread, so only flag and post."""
        self.armed = False
        self.bridge.post(TakeBack())

    # endings ----------------------------------------------------------------------

    def _connection_lost(self, phase: str) -> None:
        self.armed = False
        self.devices.release()
        if self.view.phase in SHARING:
            self._resume_phase = "paused" if self.view.phase == "paused" else "sharing"
            self.share.pause()
        if self.view.phase in (*SHARING, *AWAY):
            self.view.set_phase(phase)

    def _finish(self, how: str) -> None:
        if self.view.phase == "ended":
            return
        self._quiet()
        self.view.ended(how)

    def _quiet(self) -> None:
        """Control off and overlays gone at once; capture and listeners stop in the
        background (stopping joins threads: never on the GUI thread).  The relay
        connection stays for the next code."""
        self.armed = False
        self.router.injector = None
        self.devices.release()
        stopper = threading.Thread(target=self._stop_devices, name="citizen-stop", daemon=True)
        self._stoppers.append(stopper)
        stopper.start()

    def _stop_devices(self) -> None:
        self.share.stop()
        self.devices.stop()

    def shutdown(self) -> None:
        """The window is closing: end the session and leave nothing running."""
        if self._closed:
            return
        if self.view.phase != "ended":
            self.endpoint.end("closed")
            self._finish("ended")
        self._closed = True
        self.router.post = lambda event: None  # network events after shutdown go nowhere
        self.bridge.close()
        self.shielding.close()
        self.view.close_all()
        for stopper in self._stoppers:
            stopper.join(5)
        stopper = threading.Thread(target=self.endpoint.stop, name="citizen-net-stop", daemon=True)
        stopper.start()  # joins the network thread: kept off the GUI thread
        stopper.join(5)


def _ended_key(reason: str) -> str:
    """The end screen's sentence for an end by the helper's side (never the raw word)."""
    if reason == "security":
        return "ended_security"
    return "ended_helper_lost" if reason in HELPER_LOST else "ended_by_helper"
