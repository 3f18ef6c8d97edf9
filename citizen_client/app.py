"""The citizen client's brain on the GUI thread: session events in, windows out.

:meth:`CitizenApp.handle` receives every endpoint event (through the queued
:class:`~citizen_client.bridge.EventBridge`) and moves the app between phases::

    connecting -> code -> pairing -> ask_view -> sharing <-> ask_control -> controlled
         ^  unreachable, closed      | deny: new code      sharing <-> paused
         |                           v                     any -> reconnecting -> back
         +------------------------- code                   any -> ended

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
from citizen_client.links import LinkHandler
from citizen_client.netside import NetRouter, ScreenShare
from citizen_client.shielding import ShieldPublisher
from citizen_client.view import View
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentJoined, CodeReady, HotlineStatus, RelayUnreachable
from cobrowse.session.state import State

log = logging.getLogger(__name__)
SHARING = ("sharing", "ask_control", "controlled", "paused")
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
        self.view = View(config.language, config.hours)
        self.bridge = EventBridge(self.handle)
        self.router = NetRouter(self.bridge.post)
        self.endpoint = endpoint_factory(config.relay_url, self.router)
        self.share = ScreenShare(self.endpoint, devices.streamer_factory)
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
        self._stopper: threading.Thread | None = None
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
        if self.view.phase not in ("reconnecting", "ended"):
            self.view.unreachable(e.retry_in)

    def _on_CodeReady(self, e: CodeReady) -> None:  # noqa: N802
        if self.view.phase == "ended":
            return  # the endpoint is being stopped; a session that ended stays ended
        self._renewing = False
        self.view.agent = ("", "")
        self.view.show_code(e.code.display())

    def _on_HotlineStatus(self, e: HotlineStatus) -> None:  # noqa: N802
        self.view.hotline_status(e)  # presence under the code, or "closed" while waiting

    def _on_AgentJoined(self, e: AgentJoined) -> None:  # noqa: N802
        self.view.agent = (e.name, e.municipality)
        self.view.set_phase("pairing")

    def _on_Paired(self, e: ev.Paired) -> None:  # noqa: N802
        self.view.verifier = e.verifier

    def _on_Secured(self, e: ev.Secured) -> None:  # noqa: N802
        if self.view.phase == "reconnecting":
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

    def _on_OpenLink(self, e: ev.OpenLink) -> None:  # noqa: N802
        self.links.request(e.url)

    def _on_Reconnecting(self, e: object) -> None:  # noqa: N802
        self._connection_lost()  # a fresh handshake follows; Secured puts the phase back

    _on_PeerLeft = _on_Reconnecting

    def _on_SessionEnded(self, e: ev.SessionEnded) -> None:  # noqa: N802
        if self._renewing:
            return
        if self.view.verifier is None:  # never paired: a new code is on its way
            self.view.note = "wrong_code" if e.reason == "wrong_code" else ""
            self.view.set_phase("connecting")
            return
        self._finish("ended_security" if e.reason == "security" else "ended")

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

    def _main_action(self) -> None:
        """The main window's button: take back control, or close once it is over."""
        if self.view.phase == "controlled":
            self.take_back()
        elif self.view.phase == "ended":
            self.view.window.close()

    def _hotkey(self) -> None:
        """Esc pressed three times: runs on pynput's thread, so only flag and post."""
        self.armed = False
        self.bridge.post(TakeBack())

    # endings ----------------------------------------------------------------------

    def _connection_lost(self) -> None:
        self.armed = False
        phase = self.view.phase
        if phase in SHARING:
            self._resume_phase = "paused" if phase == "paused" else "sharing"
            self.share.pause()
            self.view.set_phase("reconnecting")

    def _finish(self, how: str) -> None:
        if self.view.phase == "ended":
            return
        self.armed = False
        self.router.injector = None
        self.devices.release()
        self.view.ended(how)
        self._stop_in_background()

    def _stop_in_background(self) -> None:
        """Stopping joins threads (capture, listeners, network): never on the GUI thread."""
        if self._stopper is None:
            self._stopper = threading.Thread(
                target=self._stop_all, name="citizen-stop", daemon=True
            )
            self._stopper.start()

    def _stop_all(self) -> None:
        self.share.stop()
        self.devices.stop()
        self.endpoint.stop()

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
        if self._stopper is not None:
            self._stopper.join(5)
