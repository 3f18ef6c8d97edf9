"""Pairing, key schedule and the record layer - a handful of plain functions.

* :class:`Pairing` runs SPAKE2 over the session code (citizen = side A); the
  citizen commits to its message first (:func:`commitment`) and reveals it only
  after the agent's has arrived, so no one can grind the 4-digit verifier.
* :func:`derive` is the HKDF key schedule: one label per purpose.
* :func:`confirm_tag` / :func:`check_confirm` make the explicit key confirmation.
* :class:`Handshake` runs one ephemeral X25519 exchange per connection, keyed by the
  pairing key (Noise NNpsk0 shape), and yields a :class:`RecordLayer`.
* :class:`RecordLayer` seals and opens records with ChaCha20-Poly1305 and strict
  64-bit counters, implicit as in Noise's transport messages (each side counts; the
  WebSocket through the relay keeps order).  Any failure raises
  :class:`SecurityError`; the caller must end the session - there is no retry and
  no plaintext fallback.

Randomness is always passed in (``entropy(n) -> bytes``) so tests are deterministic.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from spake2 import SPAKE2_A, SPAKE2_B

from cobrowse.errors import PairingError, SecurityError
from cobrowse.session.codes import SessionCode
from cobrowse.session.events import AGENT, CITIZEN

Entropy = Callable[[int], bytes]
SALT = b"cobrowse-v1"
IDS = {CITIZEN: b"cobrowse-citizen", AGENT: b"cobrowse-agent"}
RECORD_HEADER = struct.Struct(">BQ")
"""What the AEAD authenticates with each record: the tag byte and the counter (only
the tag byte is sent)."""
RECORD_TAG = 0x04
MAX_COUNTER = 2**64 - 1


def derive(key: bytes, label: str, length: int = 32, context: bytes = b"") -> bytes:
    """HKDF-SHA256 of ``key`` for one purpose; ``label`` separates purposes."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=length, salt=SALT, info=label.encode() + b"\x00" + context
    )
    return hkdf.derive(key)


COMMIT_SIZE = 32


def commitment(role: str, nameplate: str, message: bytes) -> bytes:
    """The hash a side sends before its PAKE message: bound to role and nameplate.

    It hides nothing secret (the message is revealed right after) but fixes the
    message before the committer has seen the peer's.  The secret digits are not
    in it, so it gives no offline guess at the code.
    """
    return hashlib.sha256(
        b"cobrowse-v1 pake commitment\x00"
        + role.encode()
        + b"\x00"
        + nameplate.encode()
        + b"\x00"
        + message
    ).digest()


class Pairing:
    """One side of SPAKE2 over the full session code."""

    def __init__(self, role: str, code: SessionCode, entropy: Entropy) -> None:
        cls = SPAKE2_A if role == CITIZEN else SPAKE2_B
        self.role = role
        self.nameplate = code.nameplate
        self._spake = cls(code.pake_password(), idA=IDS[CITIZEN], idB=IDS[AGENT], entropy_f=entropy)
        self.outbound: bytes = self._spake.start()
        self.commitment = commitment(role, code.nameplate, self.outbound)

    def check_reveal(self, peer_commitment: bytes, inbound: bytes) -> None:
        """Raise :class:`SecurityError` unless ``inbound`` is what the peer committed to."""
        peer = AGENT if self.role == CITIZEN else CITIZEN
        if not hmac.compare_digest(commitment(peer, self.nameplate, inbound), peer_commitment):
            raise SecurityError("pairing message does not match its commitment")

    def finish(self, inbound: bytes) -> tuple[bytes, bytes]:
        """Return ``(key, transcript)``; a malformed peer message is a security error."""
        try:
            key: bytes = self._spake.finish(inbound)
        except Exception as exc:  # the library raises several unrelated types
            raise SecurityError(f"bad pairing message ({type(exc).__name__})") from None
        first, second = (
            (self.outbound, inbound) if self.role == CITIZEN else (inbound, self.outbound)
        )
        return key, hashlib.sha256(first + second).digest()


def confirm_tag(key: bytes, role: str, transcript: bytes) -> bytes:
    """The tag ``role`` sends to prove it holds ``key``."""
    return hmac.new(derive(key, f"confirm-{role}"), transcript, hashlib.sha256).digest()


def check_confirm(key: bytes, peer_role: str, transcript: bytes, tag: bytes) -> None:
    """Raise :class:`PairingError` unless ``tag`` is the peer's correct tag."""
    if not hmac.compare_digest(confirm_tag(key, peer_role, transcript), tag):
        raise PairingError("the code did not match")


def verifier(key: bytes) -> str:
    """4 digits both sides show; the agent reads them aloud before control."""
    number = int.from_bytes(derive(key, "verifier", 4), "big") % 10_000
    return f"{number:04d}"


def resume_token(key: bytes) -> str:
    """Opaque token the relay uses to put a reconnecting client back in its room."""
    return derive(key, "resume").hex()


class Handshake:
    """Per-connection ephemeral X25519 exchange authenticated by the pairing key."""

    def __init__(self, key: bytes, role: str, entropy: Entropy) -> None:
        self.role = role
        self._psk = derive(key, "handshake")
        self._private = X25519PrivateKey.from_private_bytes(entropy(32))
        self.outbound = self._private.public_key().public_bytes_raw()

    def finish(self, inbound: bytes) -> RecordLayer:
        if len(inbound) != 32:
            raise SecurityError("bad handshake message")
        try:
            shared = self._private.exchange(X25519PublicKey.from_public_bytes(inbound))
        except ValueError:
            raise SecurityError("bad handshake key") from None
        agent_e, citizen_e = (
            (self.outbound, inbound) if self.role == AGENT else (inbound, self.outbound)
        )
        keys = HKDF(
            algorithm=hashes.SHA256(), length=64, salt=self._psk, info=b"keys" + agent_e + citizen_e
        ).derive(shared)
        a2c, c2a = keys[:32], keys[32:]
        return RecordLayer(
            send_key=a2c if self.role == AGENT else c2a, recv_key=c2a if self.role == AGENT else a2c
        )


class RecordLayer:
    """Seal and open records with strictly increasing 64-bit counters."""

    def __init__(self, send_key: bytes, recv_key: bytes) -> None:
        self._send = ChaCha20Poly1305(send_key)
        self._recv = ChaCha20Poly1305(recv_key)
        self._send_counter = 0
        self._recv_counter = 0

    def seal(self, plaintext: bytes) -> bytes:
        if self._send_counter >= MAX_COUNTER:
            raise SecurityError("record counter exhausted")
        header = RECORD_HEADER.pack(RECORD_TAG, self._send_counter)
        self._send_counter += 1
        return bytes([RECORD_TAG]) + self._send.encrypt(_nonce(header), plaintext, header)

    def open(self, record: bytes) -> bytes:
        """A record that is missing, replayed, reordered or altered fails the tag: the
        counter it was sealed with is not the one this side expects next."""
        if len(record) < 1 + 16 or record[0] != RECORD_TAG:
            raise SecurityError("malformed record")
        header = RECORD_HEADER.pack(RECORD_TAG, self._recv_counter)
        try:
            plaintext = self._recv.decrypt(_nonce(header), record[1:], header)
        except InvalidTag:
            raise SecurityError(
                f"record #{self._recv_counter} failed authentication (altered, missing or replayed)"
            ) from None
        self._recv_counter += 1
        return plaintext


def _nonce(header: bytes) -> bytes:
    return b"\x00\x00\x00\x00" + header[1:]
