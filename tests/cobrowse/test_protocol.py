"""Two sessions pumping bytes into each other: no network, deterministic randomness."""

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cobrowse.errors import LocalProtocolError
from cobrowse.session import events as ev
from cobrowse.session.codes import SessionCode
from cobrowse.session.protocol import FrameReceived, Session, pump
from cobrowse.session.state import State

CODE = SessionCode("0042", "123456")


def rng(seed: int) -> Callable[[int], bytes]:
    r = random.Random(seed)
    return lambda n: r.randbytes(n)


class Pair:
    def __init__(self, citizen_code: SessionCode = CODE, agent_code: SessionCode = CODE) -> None:
        self.c = Session("citizen", citizen_code, entropy=rng(1))
        self.a = Session("agent", agent_code, entropy=rng(2))
        self.c.start()
        self.a.start()
        self.pump()

    def pump(self) -> None:
        pump(self.c, self.a)

    def events(self) -> tuple[list[object], list[object]]:
        return self.c.events_received(), self.a.events_received()

    def to_viewing(self) -> None:
        self.events()
        self.a.send(ev.ConsentRequest("view"))
        self.pump()
        self.c.send(ev.ConsentGrant("view"))
        self.pump()
        self.events()

    def to_controlling(self) -> None:
        self.to_viewing()
        self.a.send(ev.ConsentRequest("control"))
        self.pump()
        self.c.send(ev.ConsentGrant("control"))
        self.pump()
        self.events()


def test_pairing_gives_same_verifier_and_secures() -> None:
    p = Pair()
    ce, ae = p.events()
    assert isinstance(ce[0], ev.Paired) and ce[0] == ae[0]
    assert isinstance(ce[1], ev.Secured) and isinstance(ae[1], ev.Secured)
    assert p.c.state is p.a.state is State.PAIRED
    assert p.c.resume_token == p.a.resume_token


def test_full_session_consent_control_end() -> None:
    p = Pair()
    p.to_controlling()
    assert p.c.state is p.a.state is State.CONTROLLING
    p.a.send(ev.Key("æ", "æ", True))
    p.a.send(ev.PointerButton(10, 20, "left", True))
    p.pump()
    ce, _ = p.events()
    assert ce == [ev.Key("æ", "æ", True), ev.PointerButton(10, 20, "left", True)]
    p.c.send(ev.ConsentRevoke("control"))
    p.pump()
    assert p.c.state is p.a.state is State.VIEWING
    p.c.send(ev.End("done"))
    p.pump()
    ce, ae = p.events()
    assert ce[-1] == ev.SessionEnded("done", False)
    assert ae[-1] == ev.SessionEnded("done", True)
    assert p.c.state is p.a.state is State.ENDED


def test_input_before_consent_never_reaches_citizen() -> None:
    p = Pair()
    with pytest.raises(LocalProtocolError):
        p.a.send(ev.Key("a", "a", True))  # paired: not even viewing
    p.to_viewing()
    assert p.a.send(ev.PointerMove(1, 1)) is False  # dropped locally


def test_input_crossing_a_revoke_is_dropped_by_citizen() -> None:
    p = Pair()
    p.to_controlling()
    p.a.send(ev.Key("a", "a", True))  # on the wire ...
    p.c.send(ev.ConsentRevoke("control"))  # ... while the citizen takes control back
    for data in iter(p.a.next_outgoing, None):
        p.c.receive_data(data)
    ce, _ = p.events()
    assert not any(isinstance(e, ev.Key) for e in ce)
    assert p.c.dropped == 1 and p.c.state is State.VIEWING


def test_frames_queued_before_a_revoke_still_arrive() -> None:
    """Sharing goes on after a revoke: frames already queued are delivered, since the
    agent's decoder needs every frame between keyframes (shared deflate history)."""
    p = Pair()
    p.to_controlling()
    p.c.send_frame(1, b"x" * 100_000)
    p.c.send(ev.ConsentRevoke("control"))
    p.pump()
    _, ae = p.events()
    assert [e.frame_id for e in ae if isinstance(e, FrameReceived)] == [1]


def test_pause_stops_frames_and_input() -> None:
    p = Pair()
    p.to_controlling()
    p.c.send_frame(1, b"x" * 100_000)
    p.c.send(ev.PrivacyPause())
    assert p.c.send_frame(2, b"y") is False
    p.pump()
    _, ae = p.events()
    assert not any(isinstance(e, FrameReceived) for e in ae)  # queued chunks were purged
    assert p.a.state is State.PAUSED
    assert p.a.send(ev.Key("a", "a", True)) is False
    p.c.send(ev.PrivacyResume())
    p.pump()
    assert p.a.state is p.c.state is State.VIEWING  # control needs a new consent


def test_frames_are_chunked_and_reassembled_behind_control() -> None:
    p = Pair()
    p.to_viewing()
    payload = bytes(random.Random(3).randbytes(300_000))
    p.c.send_frame(5, payload)
    p.c.send(ev.Cursor(3, 4, True))
    first = p.c.next_outgoing()
    assert first is not None and len(first) < 200  # the cursor jumps the queue
    p.a.receive_data(first)
    p.pump()
    _, ae = p.events()
    assert ae[0] == ev.Cursor(3, 4, True)
    assert ae[1] == FrameReceived(5, payload)


def test_a_small_frame_goes_whole_and_a_frame_inside_a_chunked_one_is_refused() -> None:
    """One record, no index or count: 2 bytes less per typed character."""
    p = Pair()
    p.to_viewing()
    p.c.send_frame(6, b"small update")
    whole = p.c.next_outgoing()
    p.c.send_frame(7, b"small update")
    p.c._bulk[-1] = ev.FrameChunk(7, 0, 1, b"small update")  # noqa: SLF001 (as before)
    chunk = p.c.next_outgoing()
    assert whole is not None and chunk is not None and len(chunk) - len(whole) == 2
    p.a.receive_data(whole)
    p.a.receive_data(chunk)
    _, ae = p.events()
    assert ae[-2:] == [FrameReceived(6, b"small update"), FrameReceived(7, b"small update")]
    q = Pair()
    q.to_viewing()
    q.c.send_frame(1, bytes(100_000))
    q.a.receive_data(q.c.next_outgoing() or b"")  # the first of two chunks
    q.c.send_frame(2, b"x")
    q.c._bulk.popleft()  # noqa: SLF001 - the second chunk never comes
    q.a.receive_data(q.c.next_outgoing() or b"")
    _, ae = q.events()
    assert isinstance(ae[-1], ev.SessionEnded) and ae[-1].reason == "protocol"


def test_wrong_code_burns_on_both_sides() -> None:
    p = Pair(agent_code=SessionCode("0042", "123457"))
    ce, ae = p.events()
    assert ce == [ev.SessionEnded("wrong_code", False, "the code did not match")]
    assert ae[0].reason == "wrong_code"  # type: ignore[attr-defined]
    assert p.c.state is State.ENDED and p.c.verifier is None


@pytest.mark.parametrize("attack", ["tamper", "replay", "reorder", "drop"])
def test_record_attacks_end_with_security(attack: str) -> None:
    p = Pair()
    p.to_viewing()
    p.a.send(ev.ShowStep(1, 2, "Trin", "tekst"))
    p.a.send(ev.ShowStep(2, 2, "Trin", "tekst"))
    r1, r2 = p.a.next_outgoing(), p.a.next_outgoing()
    assert r1 is not None and r2 is not None
    feed = {"tamper": [r1[:-3] + b"xyz"], "replay": [r1, r1], "reorder": [r2, r1], "drop": [r2]}[
        attack
    ]
    for data in feed:
        p.c.receive_data(data)
    ce, _ = p.events()
    ended = [e for e in ce if isinstance(e, ev.SessionEnded)]
    assert ended and ended[0].reason == "security"
    assert p.c.state is State.ENDED
    assert p.c.next_outgoing() is None  # no End is sent in answer to an attack


def test_plaintext_before_handshake_is_refused() -> None:
    p = Pair()
    p.to_viewing()
    p.c.receive_data(b"\x01" + b"\x00" * 32)  # a second PAKE message
    assert p.c.state is State.ENDED and p.c.end_reason == "security"


def test_peer_sending_agent_only_message_is_protocol_error() -> None:
    p = Pair()
    p.to_viewing()
    # forge a record from the citizen that claims an agent-only message
    p.c._control.append(ev.OpenLink("https://evil.example"))  # bypass send()'s own check
    p.pump()
    assert p.a.state is State.ENDED and p.a.end_reason == "protocol"


def test_reconnect_runs_fresh_handshake_and_drops_control() -> None:
    p = Pair()
    p.to_controlling()
    p.c.connection_lost()
    p.a.connection_lost()
    assert p.c.state is State.VIEWING
    ce, _ = p.events()
    assert ce == [ev.ControlOff()]
    p.c.new_connection()
    p.a.new_connection()
    p.pump()
    ce, ae = p.events()
    assert ev.Secured() in ce and ev.Secured() in ae
    p.a.send(ev.ShowStep(1, 1, "t", "x"))
    p.pump()
    assert p.events()[0] == [ev.ShowStep(1, 1, "t", "x")]


def test_frames_queued_for_a_lost_connection_are_not_sent_on_the_new_one() -> None:
    """Screen updates share compression history: after a break some may be lost, so
    the new connection starts with the keyframe the citizen sends on Secured, not
    with updates queued in between (they would not decode)."""
    p = Pair()
    p.to_viewing()
    p.c.connection_lost()
    p.a.connection_lost()
    assert p.c.send_frame(5, b"a delta for the old stream")
    p.c.new_connection()
    p.a.new_connection()
    p.pump()
    assert p.c.send_frame(6, b"the keyframe")
    p.pump()
    _, ae = p.events()
    assert [e.frame_id for e in ae if isinstance(e, FrameReceived)] == [6]


def test_half_open_resume_drops_control_on_the_side_that_saw_no_break() -> None:
    """The relay replaced the citizen's connection: the agent only hears ``peer_back``
    (no ``peer_left``).  A new connection alone must bring it to view-only as well,
    so both sides agree and the agent's next control request is not dropped."""
    p = Pair()
    p.to_controlling()
    p.c.connection_lost()  # the citizen saw its line break ...
    p.c.new_connection()
    p.a.new_connection()  # ... the agent did not
    p.pump()
    ce, ae = p.events()
    assert ev.ControlOff() in ae and ev.Secured() in ae and ev.Secured() in ce
    assert p.a.state is State.VIEWING and p.c.state is State.VIEWING
    assert p.a.send(ev.ConsentRequest("control"))  # not dropped on the agent's own side
    p.pump()
    assert p.events()[0] == [ev.ConsentRequest("control")]


def test_lost_after_the_pake_but_before_confirmation_ends() -> None:
    c = Session("citizen", CODE, entropy=rng(1))
    a = Session("agent", CODE, entropy=rng(2))
    c.start()
    a.start()
    a.receive_data(c.next_outgoing() or b"")  # the agent has the key, no confirm yet
    a.connection_lost()  # raised ProtocolError ("disconnected" not allowed while waiting)
    assert a.state is State.ENDED
    assert a.events_received()[-1] == ev.SessionEnded("connection_lost", False, "")


def test_peer_gone_ends_by_the_peer_and_sends_nothing() -> None:
    p = Pair()
    p.to_controlling()
    p.c.peer_gone("timeout")
    assert p.c.state is State.ENDED and p.c.next_outgoing() is None
    assert p.events()[0] == [ev.SessionEnded("timeout", True, "")]
    p.c.peer_gone("left")  # a second notice changes nothing
    assert p.events()[0] == []


def test_lost_before_pairing_ends() -> None:
    p = Session("citizen", CODE, entropy=rng(9))
    p.start()
    p.connection_lost()
    assert p.state is State.ENDED


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_session_input_only_ends_cleanly(data: bytes) -> None:
    p = Pair()
    p.to_viewing()
    p.c.receive_data(data)
    p.a.receive_data(data)
    for s in (p.c, p.a):
        if s.state is State.ENDED:
            assert s.end_reason in ("security", "protocol")


def test_control_queued_before_close_still_reaches_peer() -> None:
    p = Pair()
    p.events()
    p.a.send(ev.ConsentRequest("view"))
    p.pump()
    p.c.send(ev.ConsentDeny("view"))
    p.c.close("denied")
    p.pump()
    _, ae = p.events()
    assert ae == [ev.ConsentDeny("view"), ev.SessionEnded("denied", True)]


@pytest.mark.parametrize(
    ("role", "data"),
    [
        ("agent", b"\x01B" + b"\x00" * 32),  # a PAKE message before the commitment
        ("agent", b"\x02" + b"\x00" * 32),  # a confirm tag before anything
        ("agent", b"\x05" + b"\x00" * 31),  # a commitment of the wrong size
        ("citizen", b"\x05" + b"\x00" * 32),  # the agent never commits
        ("citizen", b"\x02" + b"\x00" * 32),  # a confirm tag before the agent's message
    ],
)
def test_pairing_messages_out_of_turn_end_with_security(role: str, data: bytes) -> None:
    s = Session(role, CODE, entropy=rng(5))
    s.start()
    s.receive_data(data)
    assert s.state is State.ENDED and s.end_reason == "security"
    s.next_outgoing()  # the citizen's commitment may already be queued
    assert s.next_outgoing() is None  # nothing revealed after a security failure


def test_a_peer_of_session_version_1_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Version 2 changed the records, frame chunks and screen payloads: a version 1
    peer's hello ends the session with a clear reason instead of garbled frames."""
    from cobrowse.session import protocol

    c, a = Session("citizen", CODE, entropy=rng(1)), Session("agent", CODE, entropy=rng(2))
    c.start()
    a.start()

    def old_agent_hears(data: bytes) -> None:
        with monkeypatch.context() as patch:
            if data[0] == protocol.HANDSHAKE:  # the agent says hello with version 1
                patch.setattr(protocol, "SESSION_VERSION", 1)
            a.receive_data(data)

    moved = True
    while moved:
        moved = False
        while (data := c.next_outgoing()) is not None:
            old_agent_hears(data)
            moved = True
        while (data := a.next_outgoing()) is not None:
            c.receive_data(data)
            moved = True
    ended = [e for e in c.events_received() if isinstance(e, ev.SessionEnded)]
    assert ended and "version 1" in ended[0].detail and c.state is State.ENDED
