"""Everything that crosses the wire between citizen and agent, as frozen dataclasses.

Each message class has a one-byte wire ``TYPE`` and a ``SENDER`` (which role may
send it).  Field limits live in the field metadata and are enforced by
:mod:`cobrowse.session.wire` when decoding *and* encoding, so a peer can never hand us an
out-of-range value and we can never send one.

Sans-I/O session events that do not cross the wire (``Paired``, ``SessionEnded``)
are at the bottom.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

CITIZEN = "citizen"
AGENT = "agent"
ROLES = (CITIZEN, AGENT)
BOTH = (CITIZEN, AGENT)

COORD = {"min": -(2**20), "max": 2**20}
U31 = {"min": 0, "max": 2**31 - 1}
U63 = {"min": 0, "max": 2**63 - 1}
KINDS = {"choices": ("view", "control")}
MAX_CURSOR = 128
"""Largest cursor image side in pixels (a 2x HiDPI 64 px cursor fits)."""
BUTTONS = {"choices": ("left", "right", "middle")}


def _f(**meta: Any) -> Any:
    return field(metadata=meta)


class Message:
    """Base of all wire messages."""

    TYPE: ClassVar[int]
    SENDER: ClassVar[tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Hello(Message):
    """First encrypted message on every (re)connection."""

    TYPE = 1
    SENDER = BOTH
    version: int = _f(min=1, max=255)
    role: str = _f(choices=ROLES)
    software: str = _f(max_len=64)


@dataclass(frozen=True, slots=True)
class ConsentRequest(Message):
    """Agent asks to view the screen or to control mouse and keyboard."""

    TYPE = 10
    SENDER = (AGENT,)
    kind: str = _f(**KINDS)


@dataclass(frozen=True, slots=True)
class ConsentGrant(Message):
    """Citizen allows; ``kind="control"`` is "control on"."""

    TYPE = 11
    SENDER = (CITIZEN,)
    kind: str = _f(**KINDS)


@dataclass(frozen=True, slots=True)
class ConsentDeny(Message):
    TYPE = 12
    SENDER = (CITIZEN,)
    kind: str = _f(**KINDS)


@dataclass(frozen=True, slots=True)
class ConsentRevoke(Message):
    """Citizen takes control back (``control``) - sharing goes on."""

    TYPE = 13
    SENDER = (CITIZEN,)
    kind: str = _f(choices=("control",))


@dataclass(frozen=True, slots=True)
class ControlOff(Message):
    """Agent hands control back of their own accord."""

    TYPE = 14
    SENDER = (AGENT,)


@dataclass(frozen=True, slots=True)
class PrivacyPause(Message):
    """Citizen paused sharing: nothing of the screen is sent until resume."""

    TYPE = 15
    SENDER = (CITIZEN,)


@dataclass(frozen=True, slots=True)
class PrivacyResume(Message):
    TYPE = 16
    SENDER = (CITIZEN,)


@dataclass(frozen=True, slots=True)
class ScreenInfo(Message):
    """Citizen's monitors as ``(x, y, width, height)`` and the one being shared."""

    TYPE = 20
    SENDER = (CITIZEN,)
    monitors: tuple[tuple[int, int, int, int], ...] = _f(max_items=16, item=COORD)
    current: int = _f(min=0, max=15)


@dataclass(frozen=True, slots=True)
class SelectMonitor(Message):
    TYPE = 21
    SENDER = (AGENT,)
    index: int = _f(min=0, max=15)


@dataclass(frozen=True, slots=True)
class FrameChunk(Message):
    """One chunk of an encoded screen update; chunks of a frame arrive in order."""

    TYPE = 22
    SENDER = (CITIZEN,)
    frame_id: int = _f(**U31)
    index: int = _f(min=0, max=4095)
    count: int = _f(min=1, max=4096)
    data: bytes = _f(max_len=64 * 1024)


@dataclass(frozen=True, slots=True)
class Frame(Message):
    """A whole screen update in one record: a one-chunk FrameChunk without its
    index and count (2 bytes less per typed character or caret blink)."""

    TYPE = 27
    SENDER = (CITIZEN,)
    frame_id: int = _f(**U31)
    data: bytes = _f(max_len=64 * 1024)


@dataclass(frozen=True, slots=True)
class FrameAck(Message):
    """Cumulative: frames up to ``frame_id`` are applied; the agent held this ack
    ``held_ms`` after applying the frame (the citizen subtracts it from the round trip)."""

    TYPE = 23
    SENDER = (AGENT,)
    frame_id: int = _f(**U31)
    held_ms: int = _f(min=0, max=60_000)


@dataclass(frozen=True, slots=True)
class KeyframeRequest(Message):
    """The agent could not decode a screen update (its picture and the shared
    compression history are gone): send the whole screen again."""

    TYPE = 26
    SENDER = (AGENT,)


@dataclass(frozen=True, slots=True)
class Cursor(Message):
    TYPE = 24
    SENDER = (CITIZEN,)
    x: int = _f(**COORD)
    y: int = _f(**COORD)
    visible: bool = _f()


@dataclass(frozen=True, slots=True)
class CursorShape(Message):
    """The citizen's pointer image, sent when it changes (where the platform gives it).

    ``rgba`` holds ``width * height`` pixels, rows top to bottom, 4 bytes each in
    the order R, G, B, A with premultiplied alpha.  ``hot_x``/``hot_y`` is the
    pixel that sits at the :class:`Cursor` position.
    """

    TYPE = 25
    SENDER = (CITIZEN,)
    width: int = _f(min=1, max=MAX_CURSOR)
    height: int = _f(min=1, max=MAX_CURSOR)
    hot_x: int = _f(min=0, max=MAX_CURSOR - 1)
    hot_y: int = _f(min=0, max=MAX_CURSOR - 1)
    rgba: bytes = _f(max_len=MAX_CURSOR * MAX_CURSOR * 4)

    @staticmethod
    def inconsistency(values: dict[str, Any]) -> str | None:
        """Why these field values do not fit together, or None (see :mod:`.wire`)."""
        if len(values["rgba"]) != values["width"] * values["height"] * 4:
            return "pixel data does not match width x height"
        if values["hot_x"] >= values["width"] or values["hot_y"] >= values["height"]:
            return "hot spot outside the image"
        return None


@dataclass(frozen=True, slots=True)
class PointerMove(Message):
    """Input: coordinates are pixels of the shared monitor."""

    TYPE = 30
    SENDER = (AGENT,)
    x: int = _f(**COORD)
    y: int = _f(**COORD)


@dataclass(frozen=True, slots=True)
class PointerButton(Message):
    TYPE = 31
    SENDER = (AGENT,)
    x: int = _f(**COORD)
    y: int = _f(**COORD)
    button: str = _f(**BUTTONS)
    pressed: bool = _f()


@dataclass(frozen=True, slots=True)
class Wheel(Message):
    TYPE = 32
    SENDER = (AGENT,)
    x: int = _f(**COORD)
    y: int = _f(**COORD)
    dx: int = _f(min=-100, max=100)
    dy: int = _f(min=-100, max=100)


@dataclass(frozen=True, slots=True)
class Key(Message):
    """Input: ``code`` names the key (``"a"``, ``"enter"``, ``"ctrl"``), ``text`` is
    what it types (``"æ"``; empty for non-printing keys)."""

    TYPE = 33
    SENDER = (AGENT,)
    code: str = _f(max_len=32)
    text: str = _f(max_len=8)
    pressed: bool = _f()


@dataclass(frozen=True, slots=True)
class InputRefused(Message):
    """Citizen tells the agent why its input did not arrive (at most every few seconds):
    ``own_window`` - it aimed at the cobrowse window itself, or that window has the
    keyboard focus; ``citizen_active`` - the citizen is using mouse or keyboard."""

    TYPE = 34
    SENDER = (CITIZEN,)
    reason: str = _f(choices=("own_window", "citizen_active"))


@dataclass(frozen=True, slots=True)
class SecureDesktop(Message):
    """Citizen tells the agent that Windows shows (``active``) or no longer shows its
    secure desktop - the UAC administrator prompt or the lock screen - which no
    program can capture or send input to: the citizen must answer it themselves."""

    TYPE = 35
    SENDER = (CITIZEN,)
    active: bool = _f()


@dataclass(frozen=True, slots=True)
class Highlight(Message):
    """Pointer mode: draw a short-lived ring at (x, y) on the citizen's screen."""

    TYPE = 40
    SENDER = (AGENT,)
    x: int = _f(**COORD)
    y: int = _f(**COORD)


@dataclass(frozen=True, slots=True)
class ShowStep(Message):
    """Show a step's citizen text; ``checklist`` is the checklist's id ("" for none),
    which lets the citizen open the published guide at the end ("Se vejledningen igen")."""

    TYPE = 41
    SENDER = (AGENT,)
    number: int = _f(min=1, max=999)
    total: int = _f(min=1, max=999)
    title: str = _f(max_len=200)
    text: str = _f(max_len=2000)
    checklist: str = field(default="", metadata={"max_len": 64})


@dataclass(frozen=True, slots=True)
class OpenLink(Message):
    TYPE = 42
    SENDER = (AGENT,)
    url: str = _f(max_len=2048)


@dataclass(frozen=True, slots=True)
class LinkAnswer(Message):
    """Citizen's answer to :class:`OpenLink` (refused links say why)."""

    TYPE = 43
    SENDER = (CITIZEN,)
    url: str = _f(max_len=2048)
    opened: bool = _f()
    reason: str = _f(max_len=64)


@dataclass(frozen=True, slots=True)
class Ping(Message):
    TYPE = 50
    SENDER = BOTH
    nonce: int = _f(**U63)


@dataclass(frozen=True, slots=True)
class Pong(Message):
    TYPE = 51
    SENDER = BOTH
    nonce: int = _f(**U63)


@dataclass(frozen=True, slots=True)
class End(Message):
    """Either side ends the session; ``reason`` is a short machine word."""

    TYPE = 60
    SENDER = BOTH
    reason: str = _f(max_len=64)


MESSAGES: tuple[type[Message], ...] = (
    Hello,
    ConsentRequest,
    ConsentGrant,
    ConsentDeny,
    ConsentRevoke,
    ControlOff,
    PrivacyPause,
    PrivacyResume,
    ScreenInfo,
    SelectMonitor,
    FrameChunk,
    Frame,
    FrameAck,
    KeyframeRequest,
    Cursor,
    CursorShape,
    PointerMove,
    PointerButton,
    Wheel,
    Key,
    InputRefused,
    SecureDesktop,
    Highlight,
    ShowStep,
    OpenLink,
    LinkAnswer,
    Ping,
    Pong,
    End,
)
BY_TYPE: dict[int, type[Message]] = {m.TYPE: m for m in MESSAGES}
INPUT_MESSAGES = (PointerMove, PointerButton, Wheel, Key)
CONTROL_PRIORITY = tuple(m for m in MESSAGES if m not in (FrameChunk, Frame))


# --- session events that do not cross the wire -------------------------------


@dataclass(frozen=True, slots=True)
class Paired:
    """Key confirmation succeeded; ``verifier`` is the 4 digits to read aloud."""

    verifier: str


@dataclass(frozen=True, slots=True)
class Secured:
    """The per-connection handshake finished; records are encrypted from here."""


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """The session is over. ``by_peer`` tells who ended it; ``reason`` is a word
    such as ``"done"``, ``"security"``, ``"wrong_code"``, ``"protocol"``."""

    reason: str
    by_peer: bool
    detail: str = ""
