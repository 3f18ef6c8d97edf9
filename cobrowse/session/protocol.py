"""The sans-I/O session between a citizen and an agent.

Feed every binary WebSocket message from the relay to :meth:`Session.receive_data`,
then read :meth:`Session.events_received`.  Queue messages with :meth:`Session.send`
(or :meth:`Session.send_frame` for screen updates) and write out whatever
:meth:`Session.next_outgoing` returns until it returns ``None`` - control
messages always come before frame chunks.

Life of a session::

    start()            both sides, once both are in the relay room: pairing begins
                       (citizen commits, agent answers, citizen reveals, both confirm)
    ... Paired(verifier), Secured() events ...
    connection_lost()  the socket dropped; control falls back to view-only
    new_connection()   back in the room: view-only, a fresh handshake, counters from 0
    peer_gone(reason)  the relay closed the room for good: ended by the peer
    close(reason)      end; SessionEnded is reported like any other end

The session does no I/O, reads no clock and draws no randomness of its own.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from cobrowse import SESSION_VERSION, __version__
from cobrowse.errors import LocalProtocolError, ProtocolError, SecurityError
from cobrowse.session import crypto as cr
from cobrowse.session import events as ev
from cobrowse.session import wire
from cobrowse.session.codes import SessionCode
from cobrowse.session.state import PairingSteps, State, StateMachine, Step

PAKE, CONFIRM, HANDSHAKE, RECORD, COMMIT = 0x01, 0x02, 0x03, 0x04, 0x05
PAIRING_KINDS = {COMMIT: "commit", PAKE: "pake", CONFIRM: "confirm"}
CHUNK_SIZE = 60 * 1024
MAX_FRAME = 48 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FrameReceived:
    """A whole screen update has arrived (agent side); ack it when applied."""

    frame_id: int
    payload: bytes


class Session:
    """One end of a session; ``role`` is ``"citizen"`` or ``"agent"``."""

    def __init__(
        self,
        role: str,
        code: SessionCode,
        *,
        entropy: cr.Entropy,
        software: str = f"cobrowse/{__version__}",
    ) -> None:
        if role not in ev.ROLES:
            raise ValueError(role)
        self.role = role
        self.peer_role = ev.AGENT if role == ev.CITIZEN else ev.CITIZEN
        self._code = code
        self._entropy = entropy
        self._software = software
        self._machine = StateMachine()
        self._pairing: cr.Pairing | None = None
        self._steps = PairingSteps(role)
        self._peer_commitment = b""
        self._key: bytes | None = None
        self._transcript = b""
        self._handshake: cr.Handshake | None = None
        self._records: cr.RecordLayer | None = None
        self._peer_hello = False
        self._raw: deque[bytes] = deque()
        self._control: deque[ev.Message] = deque()
        self._bulk: deque[ev.Message] = deque()
        self._events: list[object] = []
        self._chunks: list[bytes] = []
        self._chunk_frame = -1
        self._chunk_count = 0
        self.verifier: str | None = None
        self.resume_token: str | None = None
        self.end_reason: str | None = None

    # --- state -------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._machine.state

    @property
    def secured(self) -> bool:
        """True once this connection's handshake is done and the peer said hello."""
        return self._records is not None and self._peer_hello

    @property
    def dropped(self) -> int:
        """Messages dropped as harmless races (e.g. input after a revoke)."""
        return self._machine.dropped

    # --- driving -----------------------------------------------------------

    def start(self) -> None:
        """Begin pairing; call once both ends are in the relay room.

        The citizen sends only a commitment to its SPAKE2 message; the agent sends
        nothing until that commitment has arrived (see docs/protocol.md, "Pairing").
        """
        if self._pairing is not None:
            raise LocalProtocolError("pairing already started")
        self._pairing = cr.Pairing(self.role, self._code, self._entropy)
        if self.role == ev.CITIZEN:
            self._raw.append(bytes([COMMIT]) + self._pairing.commitment)

    def receive_data(self, data: bytes) -> None:
        """Process one binary message from the relay.  Errors end the session."""
        if self.state is State.ENDED:
            return
        try:
            self._receive(data)
        except ProtocolError as exc:
            self._fail(exc)

    def events_received(self) -> list[object]:
        """Return and forget the events produced since the last call."""
        out, self._events = self._events, []
        return out

    def next_outgoing(self) -> bytes | None:
        """The next binary message to send to the relay, control before bulk."""
        if self._raw:
            return self._raw.popleft()
        if self._records is None:
            return None
        queue = self._control or self._bulk
        if not queue:
            return None
        return self._records.seal(wire.encode(queue.popleft()))

    def has_outgoing(self) -> bool:
        return bool(self._raw) or (self._records is not None and bool(self._control or self._bulk))

    # --- sending -----------------------------------------------------------

    def send(self, msg: ev.Message) -> bool:
        """Queue ``msg``.  Returns False if it is a harmless race and was dropped
        (e.g. input after control ended); raises :class:`LocalProtocolError` if the
        message is never allowed for this role or state."""
        if self.role not in msg.SENDER:
            raise LocalProtocolError(f"{self.role} may not send {type(msg).__name__}")
        if isinstance(msg, ev.End):
            self.close(msg.reason)
            return True
        try:
            acted = self._machine.apply(msg)
        except ProtocolError as exc:
            raise LocalProtocolError(str(exc)) from None
        if acted:
            wire.encode(msg)  # validate now, not when it is dequeued
            self._queue_for(msg).append(msg)
            if isinstance(msg, ev.PrivacyPause):
                self._bulk.clear()  # resume sends a keyframe; a revoke keeps sharing, and
                # dropping its queued frames would desync the agent's decoder (rects.py)
        return acted

    def send_frame(self, frame_id: int, payload: bytes) -> bool:
        """Queue one encoded screen update, split into chunks on the bulk queue."""
        if self.state not in (State.VIEWING, State.CONTROLLING):
            return False
        count = max(1, -(-len(payload) // CHUNK_SIZE))
        if count == 1:
            self._bulk.append(ev.Frame(frame_id, payload))
            return True
        for i in range(count):
            chunk = ev.FrameChunk(
                frame_id, i, count, payload[i * CHUNK_SIZE : (i + 1) * CHUNK_SIZE]
            )
            self._bulk.append(chunk)
        return True

    def close(self, reason: str = "done") -> None:
        """End the session: tell the peer (if we can) and report SessionEnded."""
        if self.state is State.ENDED:
            return
        self._bulk.clear()  # control already queued (e.g. a ConsentDeny) still goes out first
        if self._records is not None:
            self._control.append(ev.End(reason[:64]))
        else:
            self._control.clear()
        self._end(reason, by_peer=False)

    def connection_lost(self) -> None:
        """The socket dropped: forget this connection's keys; control falls back."""
        if self.state is State.ENDED:
            return
        self._records = self._handshake = None
        self._peer_hello = False
        self._raw.clear()
        self._control.clear()
        self._bulk.clear()
        self._chunks, self._chunk_frame = [], -1
        if self._key is None or self.state is State.WAITING:  # pairing never finished
            self._end("connection_lost", by_peer=False)
            return
        self._drop_control()

    def new_connection(self) -> None:
        """Back in the room after :meth:`connection_lost` - or on a new connection the
        relay put in place of one this side never saw break (a half-open resume):
        control falls back to view-only here too, so both sides agree, and a fresh
        handshake runs."""
        if self._key is None or self.state in (State.WAITING, State.ENDED):
            raise LocalProtocolError("nothing to resume")
        self._drop_control()
        self._bulk.clear()  # updates queued for the old connection: the stream restarts
        self._start_handshake()  # with a keyframe (the citizen resets its streamer)

    def peer_gone(self, reason: str) -> None:
        """The relay closed the room for good (the peer ended, was cut off, or did
        not come back): end without sending anything; reported as ended by the peer."""
        if self.state is State.ENDED:
            return
        self._raw.clear()
        self._control.clear()
        self._bulk.clear()
        self._end(reason, by_peer=True)

    def _drop_control(self) -> None:
        """Every new or lost connection starts in view-only (``ControlOff`` reported)."""
        was = self.state
        self._machine.apply("disconnected")
        if was is State.CONTROLLING:
            self._events.append(ev.ControlOff())

    # --- internals ---------------------------------------------------------

    def _queue_for(self, msg: ev.Message) -> deque[ev.Message]:
        return self._bulk if isinstance(msg, ev.FrameChunk | ev.Frame) else self._control

    def _receive(self, data: bytes) -> None:
        if not data:
            raise ProtocolError("empty message")
        kind, body = data[0], data[1:]
        if kind == RECORD and self._records is not None:
            self._on_record(self._records.open(data))
        elif kind in PAIRING_KINDS and self._pairing is not None:
            self._on_pairing(PAIRING_KINDS[kind], body)
        elif kind == HANDSHAKE and self._handshake is not None and self._records is None:
            self._records = self._handshake.finish(body)
            self._control.appendleft(ev.Hello(SESSION_VERSION, self.role, self._software))
        else:
            raise SecurityError(f"unexpected message 0x{kind:02x} at this point")

    def _on_pairing(self, kind: str, body: bytes) -> None:
        assert self._pairing is not None
        step = self._steps.step
        self._steps.advance(kind)  # out of turn: SecurityError
        if kind == "commit":
            if len(body) != cr.COMMIT_SIZE:
                raise SecurityError("malformed pairing commitment")
            self._peer_commitment = body
            self._raw.append(bytes([PAKE]) + self._pairing.outbound)
        elif kind == "pake":
            if step is Step.AWAIT_REVEAL:
                self._pairing.check_reveal(self._peer_commitment, body)
            self._on_pake(body)
        else:
            assert self._key is not None
            cr.check_confirm(self._key, self.peer_role, self._transcript, body)
            self._on_paired()

    def _on_pake(self, body: bytes) -> None:
        assert self._pairing is not None
        self._key, self._transcript = self._pairing.finish(body)
        if self.role == ev.CITIZEN:  # the reveal: only now, after the agent's message
            self._raw.append(bytes([PAKE]) + self._pairing.outbound)
        self._raw.append(bytes([CONFIRM]) + cr.confirm_tag(self._key, self.role, self._transcript))

    def _on_paired(self) -> None:
        assert self._key is not None
        self._machine.apply("paired")
        self.verifier = cr.verifier(self._key)
        self.resume_token = cr.resume_token(self._key)
        self._events.append(ev.Paired(self.verifier))
        self._start_handshake()

    def _start_handshake(self) -> None:
        assert self._key is not None
        self._handshake = cr.Handshake(self._key, self.role, self._entropy)
        self._records = None
        self._peer_hello = False
        self._raw.append(bytes([HANDSHAKE]) + self._handshake.outbound)

    def _on_record(self, plaintext: bytes) -> None:
        msg = wire.decode(plaintext)
        if not self._peer_hello:
            self._on_hello(msg)
            return
        if self.peer_role not in msg.SENDER:
            raise ProtocolError(f"{self.peer_role} may not send {type(msg).__name__}")
        if isinstance(msg, ev.Hello):
            raise ProtocolError("second hello on one connection")
        if isinstance(msg, ev.End):
            self._end(msg.reason, by_peer=True)
            return
        if not self._machine.apply(msg):
            return
        self._dispatch(msg)

    def _on_hello(self, msg: ev.Message) -> None:
        if not isinstance(msg, ev.Hello):
            raise ProtocolError("the first record must be hello")
        if msg.version != SESSION_VERSION:
            raise ProtocolError(f"peer speaks protocol version {msg.version}")
        if msg.role != self.peer_role:
            raise SecurityError("peer claims the wrong role")
        self._peer_hello = True
        self._events.append(ev.Secured())

    def _dispatch(self, msg: ev.Message) -> None:
        if isinstance(msg, ev.Ping):
            self._control.append(ev.Pong(msg.nonce))
        elif isinstance(msg, ev.FrameChunk):
            self._on_chunk(msg)
        elif isinstance(msg, ev.Frame):
            if self._chunks:
                raise ProtocolError("frame chunks out of order")
            self._events.append(FrameReceived(msg.frame_id, msg.data))
        else:
            self._events.append(msg)

    def _on_chunk(self, chunk: ev.FrameChunk) -> None:
        if chunk.index == 0:
            self._chunks, self._chunk_frame, self._chunk_count = [], chunk.frame_id, chunk.count
        elif (chunk.frame_id, chunk.index, chunk.count) != (
            self._chunk_frame,
            len(self._chunks),
            self._chunk_count,
        ):
            raise ProtocolError("frame chunks out of order")
        self._chunks.append(chunk.data)
        if sum(len(c) for c in self._chunks) > MAX_FRAME:
            raise ProtocolError("frame too large")
        if len(self._chunks) == chunk.count:
            self._events.append(FrameReceived(chunk.frame_id, b"".join(self._chunks)))
            self._chunks, self._chunk_frame = [], -1

    def _fail(self, exc: ProtocolError) -> None:
        reason = exc.reason
        self._bulk.clear()
        self._control.clear()
        if self._records is not None and not isinstance(exc, SecurityError):
            self._control.append(ev.End(reason))
        self._end(reason, by_peer=False, detail=str(exc))

    def _end(self, reason: str, *, by_peer: bool, detail: str = "") -> None:
        self._machine.apply("End")
        self.end_reason = reason
        self._events.append(ev.SessionEnded(reason, by_peer, detail))


def pump(a: Session, b: Session, *, tamper: Callable[[bytes], bytes] | None = None) -> None:
    """Move bytes between two sessions until both are quiet (tests and tools)."""
    moved = True
    while moved:
        moved = False
        for src, dst in ((a, b), (b, a)):
            while (data := src.next_outgoing()) is not None:
                dst.receive_data(tamper(data) if tamper else data)
                moved = True
