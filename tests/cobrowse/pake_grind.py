"""A man in the middle who knows the session code and grinds the 4-digit verifier.

SPAKE2 (python-spake2, Ed25519 group) as the citizen (side A) computes

    X* = x*G + pw*M          (the message it sends)
    K  = x*(Y* - pw*N)       (Y* is the agent's message)
    key = SHA256(SHA256(pw) | SHA256(idA) | SHA256(idB) | X* | Y* | K)

and the verifier is ``derive(key, "verifier")`` mod 10**4.  Stepping the MITM's
scalar x -> x+1 moves X* by G and K by (Y* - pw*N): two point additions instead of
two scalar multiplications.  The expensive part (one scalar multiplication each) is
done once; every further try costs two additions, two encodings (with a fast
inverse) and the hashes: ~50 us, so 10**4 tries take half a second in pure Python
instead of the ~80 s that ``SPAKE2_A.start() + finish()`` per try would take.  Each candidate is a
real, valid SPAKE2 message with its real key (the tests check one against the library).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from spake2.ed25519_basic import Q, encodepoint
from spake2.spake2 import DefaultParams, finalize_SPAKE2

from cobrowse.session import crypto as cr
from cobrowse.session.codes import SessionCode


def encode(elem: object) -> bytes:
    """``elem.to_bytes()`` with a fast modular inverse (the library's uses pow(z, Q-2, Q))."""
    x, y, z, _ = elem.XYTZ  # type: ignore[attr-defined]
    zi = pow(z, -1, Q)
    return encodepoint(((x * zi) % Q, (y * zi) % Q))


@dataclass
class Candidate:
    scalar: int
    message: bytes  # side byte + X* (or Y*), as Pairing.outbound
    key: bytes

    @property
    def verifier(self) -> str:
        return cr.verifier(self.key)


def candidates(
    code: SessionCode, my_role: str, peer_message: bytes, start: int
) -> Iterator[Candidate]:
    """Every candidate from scalar ``start`` up, each a valid message with its key."""
    g = DefaultParams.group
    pw = code.pake_password()
    pw_scalar = g.password_to_scalar(pw)
    mine, theirs = DefaultParams.M, DefaultParams.N
    if my_role == "agent":
        mine, theirs = theirs, mine
    peer = peer_message[1:]
    base = g.bytes_to_element(peer).add(theirs.scalarmult(-pw_scalar))  # Y* - pw*N, once
    msg_elem = g.Base.scalarmult(start).add(mine.scalarmult(pw_scalar))  # once
    k_elem = base.scalarmult(start)  # once
    id_a, id_b = cr.IDS["citizen"], cr.IDS["agent"]
    side = b"A" if my_role == "citizen" else b"B"
    scalar = start
    while True:
        out = encode(msg_elem)
        x_msg, y_msg = (out, peer) if my_role == "citizen" else (peer, out)
        key = finalize_SPAKE2(id_a, id_b, x_msg, y_msg, encode(k_elem), pw)
        yield Candidate(scalar, side + out, key)
        scalar += 1
        msg_elem = msg_elem.add(g.Base)
        k_elem = k_elem.add(base)


def message(code: SessionCode, role: str, scalar: int) -> bytes:
    """The PAKE message ``role`` sends for ``scalar`` (what it would commit to)."""
    g = DefaultParams.group
    blinding = DefaultParams.M if role == "citizen" else DefaultParams.N
    elem = g.Base.scalarmult(scalar).add(
        blinding.scalarmult(g.password_to_scalar(code.pake_password()))
    )
    return (b"A" if role == "citizen" else b"B") + encode(elem)


def matching(
    code: SessionCode, my_role: str, peer_message: bytes, target: str, *, start: int, tries: int
) -> list[Candidate]:
    """Every one of ``tries`` candidates from ``start`` whose verifier is ``target``."""
    found = islice(candidates(code, my_role, peer_message, start), tries)
    return [c for c in found if c.verifier == target]


def grind(
    code: SessionCode, my_role: str, peer_message: bytes, target: str, *, start: int, tries: int
) -> tuple[Candidate | None, int]:
    """Try ``tries`` scalars from ``start`` as ``my_role`` against ``peer_message``.

    Returns the first candidate whose verifier is ``target`` (or None) and the
    number of tries spent.
    """
    for n, cand in enumerate(candidates(code, my_role, peer_message, start)):
        if n == tries:
            break
        if cand.verifier == target:
            return cand, n + 1
    return None, tries
