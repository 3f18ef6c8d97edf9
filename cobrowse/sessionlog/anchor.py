"""Check the session log against the chain heads the relay keeps.

The hash chain alone has no key: someone who can write the file can drop the
triggers, change an event and recompute every hash after it, and ``verify`` still
says "intact".  But each session's chain head (the hash of its ``ended`` row) went
to the relay with the statistics upload, so a rewritten history shows up as a head
that differs from the relay's::

    result = check_against_relay(log, "wss://relay.example/v1", name, password)

Sessions the relay holds no head for (not uploaded yet, or uploaded by an agent app
from before the anchor) are counted as not anchored, not as failures.  Purged
sessions are not asked about; the purge anchor is checked against the head of the
session it ended with.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from cobrowse import PROTOCOL_VERSION
from cobrowse.errors import ProtocolError
from cobrowse.session.transport import open_relay, recv_relay
from cobrowse.sessionlog.store import SessionLog, SessionLogError

BATCH = 50  # ids per chain_heads request: well inside the relay's 4 KiB text frame
TIMEOUT = 30.0


@dataclass
class RelayCheck:
    """Outcome of :func:`check_against_relay`."""

    matched: int = 0
    not_anchored: list[str] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    anchor_ok: bool | None = None  # None: nothing purged, or the relay has no head for it

    @property
    def ok(self) -> bool:
        return not self.rewritten and self.anchor_ok is not False


def check_against_relay(log: SessionLog, url: str, name: str, password: str) -> RelayCheck:
    """Sign in as ``name`` and compare every local chain head with the relay's.

    Raises :class:`RelayRefused`/:class:`TransportError` if the relay refuses or
    cannot be reached (nothing is concluded about the log then).
    """
    local = log.chain_heads()
    _, anchor_hash, anchor_session = log.anchor()
    wanted = sorted(local) + ([anchor_session] if anchor_session else [])
    stored = asyncio.run(fetch_heads(url, name, password, wanted))
    result = RelayCheck()
    for sid, head in sorted(local.items()):
        theirs = stored.get(sid)
        if theirs is None:
            result.not_anchored.append(sid)
        elif theirs == head:
            result.matched += 1
        else:
            result.rewritten.append(sid)
    if anchor_session and stored.get(anchor_session) is not None:
        result.anchor_ok = stored[anchor_session] == anchor_hash
    return result


async def fetch_heads(
    url: str, name: str, password: str, session_ids: list[str]
) -> dict[str, str | None]:
    """The relay's stored chain head per session id (None where it holds none)."""
    hello = {
        "type": "hello",
        "version": PROTOCOL_VERSION,
        "role": "agent",
        "name": name,
        "password": password,
    }
    ws, reply = await open_relay(url, hello)
    try:
        if reply.get("type") != "welcome":
            raise SessionLogError("the relay did not sign us in")
        heads: dict[str, str | None] = {}
        for i in range(0, len(session_ids), BATCH):
            await ws.send(
                json.dumps({"type": "chain_heads", "session_ids": session_ids[i : i + BATCH]})
            )
            heads.update(await asyncio.wait_for(_answer(ws), TIMEOUT))
        return heads
    finally:
        await ws.close()


async def _answer(ws: Any) -> dict[str, str | None]:
    """Skip presence and other notices until the ``chain_heads`` answer arrives."""
    while True:
        msg = await recv_relay(ws)
        if msg.get("type") == "chain_heads":
            heads = msg.get("heads")
            if not isinstance(heads, dict):
                raise ProtocolError("chain_heads without heads")
            return {str(k): v if isinstance(v, str) else None for k, v in heads.items()}
        if msg.get("type") == "error":
            raise SessionLogError(f"the relay refused: {msg.get('message', msg.get('reason'))}")
