"""The agent's side of one relay sign-in and its sessions, as a GUI-thread QObject.

:class:`AgentSession` owns the :class:`~cobrowse.session.endpoint.AgentEndpoint`, turns its
events (handed over by the :class:`~agent_app.bridge.Bridge`) into a ``phase`` and a
few plain signals the widgets listen to, and reports every loggable happening via
:attr:`AgentSession.logged` for the session log.  It never blocks: endpoint calls
only queue work on the network thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal

from agent_app import texts
from agent_app.bridge import Bridge
from cobrowse.session import events as ev
from cobrowse.session.codes import parse_code
from cobrowse.session.endpoint import (
    AgentEndpoint,
    Joined,
    JoinFailed,
    LinkStats,
    PeerBack,
    PeerLeft,
    SignedIn,
    SignInFailed,
)
from qtlang import translate

log = logging.getLogger(__name__)
FrameSink = Callable[[int, bytes], None]
EndpointFactory = Callable[..., AgentEndpoint]
LIVE = ("viewing", "controlling", "waiting_control", "paused", "reconnecting")
REFUSED: dict[str, object] = {  # why the citizen's PC did not take our input (InputRefused)
    "own_window": QT_TRANSLATE_NOOP(
        "agent",
        "Dit klik eller tastetryk ramte borgerens eget cobrowse-vindue (det "
        "skraverede felt i dit billede) – det kan du ikke styre. Klik i borgerens side først.",
    ),
    "citizen_active": QT_TRANSLATE_NOOP(
        "agent", "Borgeren bruger selv mus eller tastatur – dine input venter et øjeblik."
    ),
}
SECURE_DESKTOP = {  # Windows shows its secure desktop (UAC prompt) on the citizen's PC
    True: "Borgerens pc viser et administrator-spørgsmål (Windows' brugerkontokontrol). "
    "Det kan du hverken se eller klikke på – borgeren skal selv svare på det.",
    False: "Administrator-spørgsmålet er væk – du ser borgerens skærm igen.",
}


class AgentSession(QObject):
    """Sign-in, join, consent and control state for the agent app."""

    signed_in = Signal(object)  # SignedIn
    sign_in_failed = Signal(str, str)  # reason, text for the agent
    join_failed = Signal(str)  # text
    phase_changed = Signal(str)
    verifier = Signal(str)
    notice = Signal(str)  # one-line news for the agent
    screen_info = Signal(object)  # ScreenInfo
    cursor = Signal(object)  # Cursor
    cursor_shape = Signal(object)  # CursorShape
    stats = Signal(object)  # LinkStats
    ended = Signal(str)  # text for the agent
    logged = Signal(str, dict)  # session-log kind, data

    def __init__(
        self,
        frame_sink: FrameSink | None = None,
        *,
        frame_forget: Callable[[], None] | None = None,
        endpoint_factory: EndpointFactory = AgentEndpoint,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge: Bridge | None = None
        self._frame_sink, self._frame_forget = frame_sink, frame_forget
        self._factory = endpoint_factory
        self.endpoint: AgentEndpoint | None = None
        self.account: SignedIn | None = None
        self.phase = "signed_out"
        self._paused_at_drop = False  # the citizen had paused when its line dropped

    # --- commands (GUI thread) ---------------------------------------------------

    def sign_in(self, url: str, name: str, password: str) -> None:
        self._drop_endpoint()
        self._bridge = Bridge(self)  # one per endpoint: a dropped one's late events go nowhere
        self._bridge.received.connect(self._on_event)
        self.endpoint = self._factory(
            url,
            self._bridge.deliver,
            name=name,
            password=password,
            frame_sink=self._frame_sink,
            frame_forget=self._frame_forget,
        )
        self.endpoint.sign_in()

    def join(self, code_text: str) -> None:
        """Join a typed code; raises CodeError at once when it is malformed."""
        if self.endpoint is None or self.account is None:
            parse_code(code_text)
            self.join_failed.emit(texts.join_error("not_signed_in"))
            return
        self.endpoint.join(code_text)
        self._set_phase("joining")

    def send(self, msg: ev.Message) -> None:
        if self.endpoint is not None and self.phase in LIVE:
            self.endpoint.send(msg)

    def request_view(self) -> None:
        self._request("view", "waiting_view")

    def request_control(self) -> None:
        if self.phase == "viewing":
            self._request("control", "waiting_control")

    def release_control(self) -> None:
        if self.phase == "controlling" and self.endpoint is not None:
            self.endpoint.send(ev.ControlOff())
            self.logged.emit("control_off", {"by": "agent"})
            self._set_phase("viewing")

    def end(self, reason: str = "done") -> None:
        if self.endpoint is not None and self.phase not in ("ready", "ended", "signed_out"):
            self.endpoint.end(reason)

    def reset(self) -> None:
        """Ready for the next citizen.  The endpoint leaves the relay room by itself
        once the session has ended, and stays signed in."""
        self._set_phase("ready" if self.account else "signed_out")

    def shutdown(self) -> None:
        self._drop_endpoint()
        self.account = None
        self._set_phase("signed_out")

    # --- internals ---------------------------------------------------------------

    def _request(self, kind: str, phase: str) -> None:
        if self.endpoint is None:
            return
        self.endpoint.send(ev.ConsentRequest(kind))
        self.logged.emit("consent_requested", {"what": kind})
        self._set_phase(phase)

    def _drop_endpoint(self) -> None:
        old, self.endpoint = self.endpoint, None
        if self._bridge is not None:
            self._bridge.received.disconnect(self._on_event)
            self._bridge.deleteLater()
            self._bridge = None
        if old is not None:  # joining its thread may take a moment: not on the GUI thread
            threading.Thread(target=old.stop, name="agent-endpoint-stop", daemon=True).start()

    def _set_phase(self, phase: str) -> None:
        if phase != self.phase:
            log.info("phase %s -> %s", self.phase, phase)
            self.phase = phase
            self.phase_changed.emit(phase)

    def _on_event(self, event: object) -> None:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _signed_in(self, event: SignedIn) -> None:
        self.account = event
        self.signed_in.emit(event)
        self._set_phase("ready")

    def _sign_in_failed(self, event: SignInFailed) -> None:
        was_live = self.account is not None
        self.account = None
        text = texts.sign_in_error(event.reason)
        if was_live and event.reason != "account_disabled":  # IT staff cut us off: say so
            text = translate("agent", "Forbindelsen til relæet blev afbrudt. Log ind igen.")
        self._drop_endpoint()
        self._set_phase("signed_out")
        self.sign_in_failed.emit(event.reason, text)

    def _joined(self, event: Joined) -> None:
        self._set_phase("pairing")

    def _join_failed(self, event: JoinFailed) -> None:
        self._set_phase("ready")
        self.join_failed.emit(texts.join_error(event.reason))

    def _paired(self, event: ev.Paired) -> None:
        self.verifier.emit(event.verifier)
        self.logged.emit("paired", {})

    def _secured(self, event: ev.Secured) -> None:
        if self.phase in ("pairing", "joining"):
            self.request_view()
        elif self.phase == "reconnecting":  # back as the citizen left it, in view-only
            self._set_phase("paused" if self._paused_at_drop else "viewing")
        elif self.phase == "waiting_control":  # a new connection: the request died
            self._set_phase("viewing")

    def _grant(self, event: ev.ConsentGrant) -> None:
        self.logged.emit("consent_granted", {"what": event.kind})
        if event.kind == "control":
            self.logged.emit("control_on", {})
            self._set_phase("controlling")
        else:
            self._set_phase("viewing")

    def _deny(self, event: ev.ConsentDeny) -> None:
        self.logged.emit("consent_denied", {"what": event.kind})
        if event.kind == "view":
            self._set_phase("view_denied")
        else:
            self.notice.emit(translate("agent", "Borgeren sagde nej til, at du styrer."))
            self._set_phase("viewing")

    def _revoke(self, event: ev.ConsentRevoke) -> None:
        if self.phase == "controlling":
            self.logged.emit("control_off", {"by": "citizen"})
        self.notice.emit(translate("agent", "Borgeren har taget kontrollen tilbage."))
        if self.phase in ("controlling", "waiting_control"):
            self._set_phase("viewing")

    def _control_off(self, event: ev.ControlOff) -> None:  # a lost or new connection
        if self.phase == "controlling":
            self.logged.emit("control_off", {"by": "disconnect"})
            self._set_phase("viewing")

    def _pause(self, event: ev.PrivacyPause) -> None:
        if self.phase == "controlling":
            self.logged.emit("control_off", {"by": "citizen"})
        self.logged.emit("pause", {})
        self._set_phase("paused")

    def _resume(self, event: ev.PrivacyResume) -> None:
        self.logged.emit("resume", {})
        self._set_phase("viewing")

    def _peer_left(self, event: PeerLeft) -> None:
        if self.phase != "reconnecting":
            self._paused_at_drop = self.phase == "paused"
        if self.phase == "controlling":
            self.logged.emit("control_off", {"by": "disconnect"})
        if self.phase in LIVE:
            self._set_phase("reconnecting")

    def _peer_back(self, event: PeerBack) -> None:
        self.notice.emit(translate("agent", "Borgeren er tilbage."))

    def _link_answer(self, event: ev.LinkAnswer) -> None:
        kind = "link_opened" if event.opened else "link_refused"
        self.logged.emit(kind, {"url": event.url})
        self.notice.emit(
            translate("agent", "Borgeren åbnede linket.")
            if event.opened
            else translate("agent", "Linket blev ikke åbnet hos borgeren.")
        )

    def _input_refused(self, event: ev.InputRefused) -> None:
        # the wire admits only these reasons
        self.notice.emit(translate("agent", str(REFUSED[event.reason])))

    def _secure_desktop(self, event: ev.SecureDesktop) -> None:
        self.notice.emit(SECURE_DESKTOP[event.active])

    def _ended(self, event: ev.SessionEnded) -> None:
        if self.phase in ("ready", "signed_out"):  # the agent has already moved on
            return
        if self.phase == "controlling":  # control ends now, not when the agent logs it
            self.logged.emit("control_off", {"by": "session_end"})
        self.logged.emit("session_ended", {"reason": event.reason, "by_peer": event.by_peer})
        self._set_phase("ended")
        self.ended.emit(texts.end_text(event.reason, event.by_peer))


_HANDLERS: dict[type, Callable[[AgentSession, Any], None]] = {
    SignedIn: AgentSession._signed_in,
    SignInFailed: AgentSession._sign_in_failed,
    Joined: AgentSession._joined,
    JoinFailed: AgentSession._join_failed,
    ev.Paired: AgentSession._paired,
    ev.Secured: AgentSession._secured,
    ev.ConsentGrant: AgentSession._grant,
    ev.ConsentDeny: AgentSession._deny,
    ev.ConsentRevoke: AgentSession._revoke,
    ev.ControlOff: AgentSession._control_off,
    ev.PrivacyPause: AgentSession._pause,
    ev.PrivacyResume: AgentSession._resume,
    PeerLeft: AgentSession._peer_left,
    PeerBack: AgentSession._peer_back,
    ev.LinkAnswer: AgentSession._link_answer,
    ev.InputRefused: AgentSession._input_refused,
    ev.SecureDesktop: AgentSession._secure_desktop,
    ev.SessionEnded: AgentSession._ended,
    ev.ScreenInfo: lambda s, e: s.screen_info.emit(e),
    ev.Cursor: lambda s, e: s.cursor.emit(e),
    ev.CursorShape: lambda s, e: s.cursor_shape.emit(e),
    LinkStats: lambda s, e: s.stats.emit(e),
}
