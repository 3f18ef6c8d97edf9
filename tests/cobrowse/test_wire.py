import json
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cobrowse.errors import LocalProtocolError, ProtocolError
from cobrowse.session import events as ev
from cobrowse.session import wire

SAMPLES = [
    ev.Hello(1, "agent", "cobrowse/0.1"),
    ev.ConsentRequest("control"),
    ev.ConsentGrant("view"),
    ev.ConsentDeny("control"),
    ev.ConsentRevoke("control"),
    ev.ControlOff(),
    ev.PrivacyPause(),
    ev.PrivacyResume(),
    ev.ScreenInfo(((0, 0, 1920, 1080), (1920, 0, 1280, 1024)), 1),
    ev.SelectMonitor(1),
    ev.FrameChunk(7, 0, 2, b"\x00\xff" * 100),
    ev.Frame(8, b"\x02\x00\x01"),
    ev.FrameAck(7, 0),
    ev.KeyframeRequest(),
    ev.Cursor(-5, 10, True),
    ev.CursorShape(2, 3, 1, 2, bytes(range(24))),
    ev.PointerMove(1, 2),
    ev.PointerButton(3, 4, "left", True),
    ev.Wheel(1, 1, 0, -3),
    ev.Key("ø", "ø", True),
    ev.Key("ctrl", "", False),
    ev.InputRefused("own_window"),
    ev.SecureDesktop(True),
    ev.Highlight(100, 200),
    ev.ShowStep(3, 7, "Log på", "Klik på 'Log på med MitID'"),
    ev.ShowStep(3, 7, "", "Klik på 'Send'", "boligstoette"),
    ev.OpenLink("https://www.borger.dk/"),
    ev.LinkAnswer("https://x.dk", False, "not_allowed"),
    ev.Ping(2**62),
    ev.Pong(1),
    ev.End("done"),
]


@pytest.mark.parametrize("msg", SAMPLES, ids=lambda m: type(m).__name__)
def test_round_trip(msg: ev.Message) -> None:
    assert wire.decode(wire.encode(msg)) == msg


def test_every_message_type_has_a_sample() -> None:
    assert {type(m) for m in SAMPLES} == set(ev.MESSAGES)


def _raw(type_: int, header: object, payload: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return struct.pack(">BH", type_, len(head)) + head + payload


@pytest.mark.parametrize(
    "data, says",
    [
        (b"", "too short"),
        (b"\x63\x00\x00", "unknown message type"),
        (_raw(33, {"code": "a", "text": "a"}), "missing"),
        (_raw(33, {"code": "a", "text": "a", "pressed": True, "x": 1}), "extra"),
        (_raw(33, {"code": "a", "text": "a", "pressed": 1}), "true/false"),
        (_raw(40, {"x": True, "y": 1}), "integer"),
        (_raw(40, {"x": 2**40, "y": 1}), "out of range"),
        (_raw(10, {"kind": "admin"}), "not one of"),
        (
            _raw(41, {"number": 1, "total": 1, "title": "x" * 201, "text": "", "checklist": ""}),
            "too long",
        ),
        (
            _raw(41, {"number": 1, "total": 1, "title": "", "text": "", "checklist": "x" * 65}),
            "too long",
        ),
        (_raw(60, {"reason": "a\x00b"}), "control characters"),
        (_raw(60, ["reason"]), "not a JSON object"),
        (b"\x3c\x00\x05{bad}", "not valid JSON"),
        (b"\x3c\xff\xff{}", "bad header length"),
        (_raw(60, {"reason": "x"}, b"payload"), "unexpected payload"),
        (b"\x16\x01\x00\x01" + b"x" * (64 * 1024 + 1), "oversized"),
        (b"\x16" + b"\x00" * (wire.MAX_RECORD + 1), "too large"),
        (_raw(20, {"monitors": [[0, 0, 1]], "current": 0}), "x, y, width, height"),
        (_raw(25, {"width": 2, "height": 2, "hot_x": 0, "hot_y": 0}, b"x" * 15), "does not match"),
        (_raw(25, {"width": 2, "height": 2, "hot_x": 2, "hot_y": 0}, b"x" * 16), "hot spot"),
        (_raw(25, {"width": 129, "height": 1, "hot_x": 0, "hot_y": 0}, b"x" * 516), "out of range"),
    ],
)
def test_malformed_is_one_clear_error(data: bytes, says: str) -> None:
    with pytest.raises(ProtocolError, match=says):
        wire.decode(data)


def test_screen_messages_are_compact() -> None:
    """No JSON for what travels per typed character: a chunk costs 4 bytes of framing
    for a small frame, an ack 2, a cursor move 6 (docs/protocol.md 2.4)."""
    assert wire.encode(ev.FrameChunk(7, 0, 1, b"pixels")) == b"\x16\x07\x00\x01pixels"
    assert wire.encode(ev.Frame(7, b"pixels")) == b"\x1b\x07pixels"
    assert wire.encode(ev.FrameAck(300, 0)) == b"\x17\xac\x02\x00"
    assert wire.encode(ev.Cursor(-5, 64, True)) == b"\x18\x09\x80\x01\x01"
    assert len(wire.encode(ev.PointerMove(1919, 1079))) == 5
    assert len(wire.encode(ev.Ping(2**62))) == 10 and wire.encode(ev.Pong(1)) == b"\x33\x01"


@pytest.mark.parametrize(
    "data, says",
    [
        (b"\x17", "truncated frame_id"),
        (b"\x17\x80", "truncated frame_id"),
        (b"\x17\x81\x00", "overlong"),
        (b"\x17\x80\x80\x80\x80\x08", "out of range"),  # 2**31
        (b"\x17\x01\x00\x00", "trailing bytes"),
        (b"\x16\x01\x00", "truncated count"),
        (b"\x16\x01\x00\x00", "out of range"),  # count 0
        (b"\x16\x01\x80\x20\x01", "out of range"),  # index 4096
        (b"\x18\x01\x01\x02", "true/false"),
        (b"\x18\x01\x01", "truncated visible"),
        (b"\x18\x81\x80\x80\x01\x01\x01", "out of range"),  # x beyond 2**20
        (b"\x1e\x01", "truncated y"),
        (b"\x7f\x00\x00", "unknown message type"),
    ],
)
def test_malformed_compact_is_one_clear_error(data: bytes, says: str) -> None:
    with pytest.raises(ProtocolError, match=says):
        wire.decode(data)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(wire.COMPACT)), st.binary(max_size=20))
def test_fuzz_compact(type_: int, body: bytes) -> None:
    try:
        msg = wire.decode(bytes([type_]) + body)
    except ProtocolError:
        return
    assert wire.decode(wire.encode(msg)) == msg


def test_encode_refuses_out_of_range() -> None:
    with pytest.raises(LocalProtocolError):
        wire.encode(ev.ShowStep(0, 1, "t", "x"))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_random_bytes(data: bytes) -> None:
    try:
        wire.decode(data)
    except ProtocolError:
        pass


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.text(max_size=40)
    | st.floats(allow_nan=False),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=600, deadline=None)
@given(
    st.sampled_from([m.TYPE for m in ev.MESSAGES]),
    st.dictionaries(
        st.sampled_from(
            [
                "x",
                "y",
                "kind",
                "code",
                "text",
                "pressed",
                "reason",
                "monitors",
                "current",
                "url",
                "opened",
                "nonce",
                "frame_id",
                "index",
                "count",
                "number",
                "total",
                "title",
                "version",
                "role",
                "software",
                "button",
                "dx",
                "dy",
                "visible",
                "width",
                "height",
                "hot_x",
                "hot_y",
            ]
        ),
        json_values,
        max_size=6,
    ),
    st.binary(max_size=20),
)
def test_fuzz_structured_headers(type_: int, header: dict[str, object], payload: bytes) -> None:
    try:
        msg = wire.decode(_raw(type_, header, payload))
    except ProtocolError:
        return
    assert wire.decode(wire.encode(msg)) == msg  # anything accepted is well-formed


def test_lone_surrogate_rejected() -> None:
    with pytest.raises(ProtocolError, match="surrogate"):
        wire.decode(b"\x3c\x00\x13" + b'{"reason":"\\ud800"}')
