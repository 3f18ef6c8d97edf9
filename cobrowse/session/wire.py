"""Encode and decode the plaintext of one record (see docs/protocol.md).

Layout::

    u8 type | u16 header length (big endian) | header: UTF-8 JSON object | payload

The header holds every field except a ``bytes`` field, which is the payload.
The messages of :data:`COMPACT` (frames and frame chunks, acks, cursor moves: one per typed
character or pointer move; the keep-alive's pings and pongs) skip the JSON: their
fields follow the type byte in declaration order, integers as varints (zigzag when
the field may be negative), booleans as one byte 0/1, the ``bytes`` field as the
rest of the record.
Decoding checks the size, the type byte, the JSON, every field's type and limit,
and that nothing extra is present.  Anything wrong raises :class:`ProtocolError`
and nothing else.
"""

from __future__ import annotations

import json
import struct
from dataclasses import fields
from typing import Any

from cobrowse import varint
from cobrowse.errors import LocalProtocolError, ProtocolError
from cobrowse.session import events as ev
from cobrowse.session.events import BY_TYPE, Message

MAX_RECORD = 80 * 1024
"""Largest plaintext of one record (a 64 KiB frame chunk plus its header)."""
MAX_HEADER = 8 * 1024
_HEAD = struct.Struct(">BH")
_DEFAULT_MAX_LEN = 256
COMPACT = frozenset(
    m.TYPE
    for m in (ev.FrameChunk, ev.Frame, ev.FrameAck, ev.Cursor, ev.PointerMove, ev.Ping, ev.Pong)
)
"""Message types in the binary layout (no JSON header)."""


def encode(msg: Message) -> bytes:
    """Serialise ``msg``; raises :class:`LocalProtocolError` if a field is out of range."""
    try:
        _check(type(msg), {f.name: getattr(msg, f.name) for f in fields(msg)})  # type: ignore[arg-type]
    except ProtocolError as exc:
        raise LocalProtocolError(f"cannot send {type(msg).__name__}: {exc}") from None
    if msg.TYPE in COMPACT:
        return _encode_compact(msg)
    header: dict[str, Any] = {}
    payload = b""
    for f in fields(msg):  # type: ignore[arg-type]
        value = getattr(msg, f.name)
        if isinstance(value, bytes):
            payload = value
        else:
            header[f.name] = value
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    return _HEAD.pack(msg.TYPE, len(head)) + head + payload


def decode(data: bytes) -> Message:
    """Parse one record's plaintext into a message, or raise :class:`ProtocolError`."""
    if len(data) > MAX_RECORD:
        raise ProtocolError(f"message too large ({len(data)} bytes)")
    if len(data) < 1 or (data[0] not in COMPACT and len(data) < _HEAD.size):
        raise ProtocolError("message too short")
    cls = BY_TYPE.get(data[0])
    if cls is None:
        raise ProtocolError(f"unknown message type {data[0]}")
    if cls.TYPE in COMPACT:
        return _decode_compact(cls, data)
    hlen = _HEAD.unpack_from(data)[1]
    if hlen > MAX_HEADER or _HEAD.size + hlen > len(data):
        raise ProtocolError("bad header length")
    header = _parse_json(data[_HEAD.size : _HEAD.size + hlen])
    payload = data[_HEAD.size + hlen :]
    values = dict(header)
    byte_fields = [f.name for f in fields(cls) if f.type in ("bytes", bytes)]  # type: ignore[arg-type]
    if byte_fields:
        values[byte_fields[0]] = payload
    elif payload:
        raise ProtocolError(f"{cls.__name__}: unexpected payload")
    _check(cls, values)
    return cls(**{k: _freeze(v) for k, v in values.items()})


def _encode_compact(msg: Message) -> bytes:
    out = [bytes([msg.TYPE])]
    for f in fields(msg):  # type: ignore[arg-type]
        value = getattr(msg, f.name)
        if isinstance(value, bool):
            out.append(b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            out.append(varint.uint(_zigzag(value) if _signed(f) else value))
        else:
            out.append(value)
    return b"".join(out)


def _decode_compact(cls: type[Message], data: bytes) -> Message:
    read = varint.Reader(data, cls.__name__)
    read.u8("type")
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        kind = f.type if isinstance(f.type, str) else f.type.__name__
        if kind == "bool":
            byte = read.u8(f.name)
            if byte > 1:
                raise read.fail(f"{f.name}: expected true/false")
            values[f.name] = bool(byte)
        elif kind == "int":
            top = max(abs(f.metadata.get("min", 0)), f.metadata.get("max", 2**63 - 1))
            raw = read.uint(f.name, 2 * top + 1 if _signed(f) else top)
            values[f.name] = (raw >> 1) ^ -(raw & 1) if _signed(f) else raw
        else:
            values[f.name] = bytes(read.rest())
    read.end()
    _check(cls, values)
    return cls(**values)


def _signed(f: Any) -> bool:
    return bool(f.metadata.get("min", 0) < 0)


def _zigzag(value: int) -> int:
    return value * 2 if value >= 0 else -value * 2 - 1


def _parse_json(raw: bytes) -> dict[str, Any]:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("header is not valid JSON") from None
    if not isinstance(obj, dict):
        raise ProtocolError("header is not a JSON object")
    return obj


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _check(cls: type[Message], values: dict[str, Any]) -> None:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    if set(values) != names:
        missing, extra = names - set(values), set(values) - names
        raise ProtocolError(f"{cls.__name__}: missing {sorted(missing)} extra {sorted(extra)}")
    for f in fields(cls):  # type: ignore[arg-type]
        _check_value(f"{cls.__name__}.{f.name}", f.type, dict(f.metadata), values[f.name])
    inconsistency = getattr(cls, "inconsistency", None)
    problem = inconsistency(values) if inconsistency is not None else None
    if problem:
        raise ProtocolError(f"{cls.__name__}: {problem}")


def _check_value(where: str, type_: Any, meta: dict[str, Any], value: Any) -> None:
    kind = type_ if isinstance(type_, str) else getattr(type_, "__name__", str(type_))
    if kind == "bool":
        if not isinstance(value, bool):
            raise ProtocolError(f"{where}: expected true/false")
    elif kind == "int":
        _check_int(where, meta, value)
    elif kind == "str":
        _check_str(where, meta, value)
    elif kind == "bytes":
        if not isinstance(value, bytes) or len(value) > meta.get("max_len", _DEFAULT_MAX_LEN):
            raise ProtocolError(f"{where}: bad or oversized payload")
    elif kind.startswith("tuple[tuple[int"):
        _check_rects(where, meta, value)
    else:  # pragma: no cover - a new field type without a checker is our bug
        raise TypeError(f"no checker for {where}: {kind}")


def _check_int(where: str, meta: dict[str, Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"{where}: expected an integer")
    if not meta.get("min", -(2**63)) <= value <= meta.get("max", 2**63 - 1):
        raise ProtocolError(f"{where}: {value} out of range")


def _check_str(where: str, meta: dict[str, Any], value: Any) -> None:
    if not isinstance(value, str):
        raise ProtocolError(f"{where}: expected text")
    if len(value) > meta.get("max_len", _DEFAULT_MAX_LEN):
        raise ProtocolError(f"{where}: text too long")
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        raise ProtocolError(f"{where}: {value[:20]!r} is not one of {list(choices)}")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise ProtocolError(f"{where}: control characters in text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ProtocolError(f"{where}: invalid Unicode (lone surrogate)") from None


def _check_rects(where: str, meta: dict[str, Any], value: Any) -> None:
    if not isinstance(value, list | tuple) or len(value) > meta.get("max_items", 16):
        raise ProtocolError(f"{where}: expected a short list")
    for item in value:
        if not isinstance(item, list | tuple) or len(item) != 4:
            raise ProtocolError(f"{where}: each item is [x, y, width, height]")
        for number in item:
            _check_int(where, meta.get("item", {}), number)
