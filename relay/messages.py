"""Relay-layer messages (docs/protocol.md §1): strict parsing and refusals.

Every message is a JSON object in a text frame with a ``"type"`` string and
exactly the fields its type allows, each of exactly the right JSON type.
Anything else raises :class:`Refusal`, which the server turns into a close
code and reason word.  Text anywhere in a message must be clean: no lone
surrogates (``"\\ud800"`` is valid JSON but not text), no NUL or other control
characters except tab and newline; numbers must be finite.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from cobrowse import PROTOCOL_VERSION
from cobrowse.errors import CobrowseError, CodeError
from cobrowse.session.codes import NAMEPLATE_DIGITS, validate_nameplate
from relay.config import MAX_UPLOAD_SESSIONS

CLOSE_CODES: dict[str, int] = {
    "malformed": 4400,
    "bad_login": 4401,
    "account_disabled": 4403,
    "timeout": 4408,
    "unknown_resume": 4409,
    "version": 4426,
    "rate_limited": 4429,
    "closed": 4423,
    "busy": 4503,
    "too_large": 1009,
}
# Why the other member of a room is gone (``peer_left``).  Only ``connection_lost``
# may come with ``final: false`` (the room waits for a resume); every other reason
# ends the room for good.
PEER_LEFT_REASONS = (
    "connection_lost",  # its line broke (final: no resume token, or none expected)
    "left",  # it closed its connection normally (ended, app closed, agent leave)
    "code_burnt",  # (to the agent) the citizen asked for a new code
    "timeout",  # it did not come back within the grace period
    "account_disabled",  # (to the citizen) IT staff disabled the agent's account
)
_TOKEN = re.compile(r"[0-9a-f]{64}")
_DIRTY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_MAX_NAME = 64
_MAX_PASSWORD = 1024
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_HEAD_IDS = 100
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# type -> {field: JSON type} for everything after the hello, per role.
SCHEMAS: dict[str, dict[str, dict[str, type]]] = {
    "citizen": {"new_nameplate": {}, "resume_token": {"token": str}},
    "agent": {
        "join": {"nameplate": str},
        "resume_token": {"token": str},
        "leave": {},
        "stats_upload": {"sessions": list},
        "stats_request": {"from": str, "to": str},
        "chain_heads": {"session_ids": list},
        "contacts_request": {"from": str, "to": str},
    },
}
OPTIONAL: dict[str, dict[str, type]] = {
    "contacts_request": {"municipality": str, "offset": int},
    "stats_request": {"municipality": str},
}


class Refusal(CobrowseError):
    """Close the connection with ``code`` and ``reason`` (``detail`` is for logs only)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.code = CLOSE_CODES[reason]


@dataclass(frozen=True, slots=True)
class Hello:
    """The first message of a connection.  ``repr`` hides the password."""

    role: str
    name: str = ""
    password: str = ""
    resume: str | None = None
    ticket: str | None = None  # instead of the password, from another cluster node

    def __repr__(self) -> str:
        return f"Hello(role={self.role!r}, name={self.name!r}, resume={self.resume is not None})"


def decode(text: str, max_text: int) -> dict[str, Any]:
    """Parse one text frame into a JSON object with a ``type`` string."""
    if len(text) > max_text or len(text.encode("utf-8")) > max_text:
        raise Refusal("too_large", f"text frame over {max_text} bytes")
    try:
        obj = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_no_constant,
            parse_float=_finite,
        )
    except (ValueError, RecursionError):
        raise Refusal("malformed", "not JSON") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise Refusal("malformed", "not an object with a type")
    if not _clean(obj):
        raise Refusal("malformed", "text with a lone surrogate or a control character")
    return obj


def _clean(obj: object) -> bool:
    """True if every string (keys included) in ``obj`` is clean text."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _DIRTY.search(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def parse_hello(msg: dict[str, Any]) -> Hello:
    """Check the hello; the version is checked before anything else in it."""
    if msg["type"] != "hello":
        raise Refusal("malformed", f"expected hello, got {msg['type']!r}")
    version = msg.get("version")
    if type(version) is not int:
        raise Refusal("malformed", "hello without an integer version")
    if version != PROTOCOL_VERSION:
        raise Refusal("version", f"client speaks version {version}")
    role = msg.get("role")
    if role == "citizen":
        check_fields(msg, {"version": int, "role": str}, {"resume": str})
        return Hello("citizen", resume=_token(msg.get("resume")))
    if role == "agent":
        secret = "ticket" if "ticket" in msg else "password"  # a ticket: docs/scale.md
        check_fields(msg, {"version": int, "role": str, "name": str, secret: str}, {"resume": str})
        if not 0 < len(msg["name"]) <= _MAX_NAME or len(msg[secret]) > _MAX_PASSWORD:
            raise Refusal("malformed", "name or password of impossible length")
        if secret == "ticket":
            ticket = _token(msg["ticket"])
            return Hello("agent", msg["name"], resume=_token(msg.get("resume")), ticket=ticket)
        return Hello("agent", msg["name"], msg["password"], _token(msg.get("resume")))
    raise Refusal("malformed", "hello with an unknown role")


def parse_message(msg: dict[str, Any], role: str) -> dict[str, Any]:
    """Check a message after the hello against ``role``'s schema."""
    schema = SCHEMAS[role].get(msg["type"])
    if schema is None:
        raise Refusal("malformed", f"{role} may not send {msg['type']!r}")
    check_fields(msg, schema, OPTIONAL.get(msg["type"]))
    if "token" in msg:
        _token(msg["token"])
    if "nameplate" in msg:
        try:
            validate_nameplate(msg["nameplate"])
        except CodeError:
            raise Refusal("malformed", f"nameplate is not {NAMEPLATE_DIGITS} digits") from None
    if msg["type"] == "stats_upload":
        _check_sessions(msg["sessions"])
    if msg["type"] == "chain_heads":
        _check_session_ids(msg["session_ids"])
    if msg["type"] in ("stats_request", "contacts_request"):
        msg["from"], msg["to"] = parse_date(msg["from"]), parse_date(msg["to"])
    if msg["type"] in ("stats_request", "contacts_request"):
        _check_contacts_request(msg)
    return msg


def _check_sessions(sessions: list[Any]) -> None:
    if not 0 < len(sessions) <= MAX_UPLOAD_SESSIONS:
        raise Refusal(
            "malformed",
            f"stats_upload with {len(sessions)} sessions (1-{MAX_UPLOAD_SESSIONS} allowed)",
        )
    if not all(isinstance(s, dict) for s in sessions):
        raise Refusal("malformed", "stats_upload sessions must be objects")


def _check_contacts_request(msg: dict[str, Any]) -> None:
    if not 0 <= msg.get("offset", 0) <= 10**6 or len(msg.get("municipality", "")) > _MAX_NAME:
        raise Refusal("malformed", f"{msg['type']} offset or municipality out of range")


def _check_session_ids(ids: list[Any]) -> None:
    if not 0 < len(ids) <= MAX_HEAD_IDS:
        raise Refusal("malformed", f"chain_heads with {len(ids)} ids (1-{MAX_HEAD_IDS} allowed)")
    if not all(isinstance(i, str) and _UUID.fullmatch(i) for i in ids):
        raise Refusal("malformed", "chain_heads session_ids must be lowercase UUIDs")


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date, or a ``malformed`` refusal."""
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Refusal("malformed", "date is not YYYY-MM-DD") from None


def check_fields(
    msg: dict[str, Any], required: dict[str, type], optional: dict[str, type] | None = None
) -> None:
    """Exactly ``required`` (plus any of ``optional``), each of exactly its type."""
    allowed = {**required, **(optional or {})}
    keys = set(msg) - {"type"}
    if not set(required) <= keys or not keys <= set(allowed):
        raise Refusal("malformed", f"fields {sorted(keys)} for {msg['type']!r}")
    for key in keys:
        if type(msg[key]) is not allowed[key]:
            raise Refusal("malformed", f"field {key!r} has the wrong type")


def encode(msg: dict[str, Any]) -> str:
    """Serialise a relay → client message."""
    return json.dumps(msg, separators=(",", ":"), ensure_ascii=False)


def _token(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise Refusal("malformed", "resume token is not 64 lowercase hex digits")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise ValueError("duplicate key")
    return out


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 parses as infinity
        raise ValueError("number out of range")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
