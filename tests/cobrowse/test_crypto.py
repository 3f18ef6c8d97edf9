import random

import pytest

from cobrowse.errors import PairingError, SecurityError
from cobrowse.session import crypto as cr
from cobrowse.session.codes import SessionCode


def rng(seed: int) -> cr.Entropy:
    r = random.Random(seed)
    return lambda n: r.randbytes(n)


def paired_keys(code_a: SessionCode, code_b: SessionCode) -> tuple[bytes, bytes, bytes, bytes]:
    a = cr.Pairing("citizen", code_a, rng(1))
    b = cr.Pairing("agent", code_b, rng(2))
    ka, ta = a.finish(b.outbound)
    kb, tb = b.finish(a.outbound)
    return ka, ta, kb, tb


def test_same_code_same_key_and_verifier() -> None:
    code = SessionCode("1234", "456789")
    ka, ta, kb, tb = paired_keys(code, code)
    assert ka == kb and ta == tb
    cr.check_confirm(ka, "agent", ta, cr.confirm_tag(kb, "agent", tb))
    assert cr.verifier(ka) == cr.verifier(kb) and len(cr.verifier(ka)) == 4
    assert cr.resume_token(ka) == cr.resume_token(kb)


def test_wrong_code_fails_confirmation() -> None:
    ka, ta, kb, tb = paired_keys(SessionCode("1234", "456789"), SessionCode("1234", "456788"))
    with pytest.raises(PairingError):
        cr.check_confirm(ka, "agent", ta, cr.confirm_tag(kb, "agent", tb))


def test_nameplate_is_bound_in() -> None:
    ka, _, kb, _ = paired_keys(SessionCode("1234", "456789"), SessionCode("1244", "456789"))
    assert ka != kb


def test_reflected_confirm_tag_is_refused() -> None:
    code = SessionCode("1234", "456789")
    ka, ta, _, _ = paired_keys(code, code)
    with pytest.raises(PairingError):
        cr.check_confirm(ka, "agent", ta, cr.confirm_tag(ka, "citizen", ta))


def test_purposes_are_separated() -> None:
    key = bytes(32)
    labels = ["confirm-citizen", "confirm-agent", "handshake", "resume"]
    assert len({cr.derive(key, label) for label in labels}) == len(labels)


def test_garbage_pake_message_is_security_error() -> None:
    p = cr.Pairing("citizen", SessionCode("1234", "456789"), rng(3))
    with pytest.raises(SecurityError):
        p.finish(b"\x00garbage")


def handshake(key_a: bytes, key_b: bytes) -> tuple[cr.RecordLayer, cr.RecordLayer]:
    ha = cr.Handshake(key_a, "agent", rng(4))
    hc = cr.Handshake(key_b, "citizen", rng(5))
    return ha.finish(hc.outbound), hc.finish(ha.outbound)


def test_records_round_trip_both_ways() -> None:
    a, c = handshake(bytes(32), bytes(32))
    assert c.open(a.seal(b"hello")) == b"hello"
    assert a.open(c.seal(b"back")) == b"back"


def test_each_connection_has_fresh_keys() -> None:
    a1, _ = handshake(bytes(32), bytes(32))
    ha = cr.Handshake(bytes(32), "agent", rng(40))
    hc = cr.Handshake(bytes(32), "citizen", rng(41))
    a2 = ha.finish(hc.outbound)
    assert a1.seal(b"x") != a2.seal(b"x")


def test_wrong_psk_cannot_read() -> None:
    a, c = handshake(bytes(32), b"\x01" * 32)
    with pytest.raises(SecurityError, match="authentication"):
        c.open(a.seal(b"hello"))


@pytest.mark.parametrize("attack", ["flip", "replay", "skip", "truncate", "header"])
def test_record_attacks_are_security_errors(attack: str) -> None:
    a, c = handshake(bytes(32), bytes(32))
    r0, r1 = a.seal(b"zero"), a.seal(b"one")
    with pytest.raises(SecurityError):
        if attack == "flip":
            c.open(r0[:-1] + bytes([r0[-1] ^ 1]))
        elif attack == "replay":
            c.open(r0)
            c.open(r0)
        elif attack == "skip":
            c.open(r1)
        elif attack == "truncate":
            c.open(r0[:20])
        else:
            c.open(b"\x05" + r0[1:])


def test_records_carry_no_counter() -> None:
    """Session version 2: the counter is implicit (Noise transport messages), so a
    record is its tag byte, the ciphertext and the 16-byte tag - 8 bytes less."""
    a, c = handshake(bytes(32), bytes(32))
    records = [a.seal(b"x" * n) for n in (0, 5, 5)]
    assert [len(r) for r in records] == [17, 22, 22] and records[1] != records[2]
    assert [c.open(r) for r in records] == [b"", b"x" * 5, b"x" * 5]


def test_bad_handshake_key() -> None:
    h = cr.Handshake(bytes(32), "agent", rng(6))
    with pytest.raises(SecurityError):
        h.finish(b"short")
    with pytest.raises(SecurityError):
        h.finish(bytes(32))  # the all-zero point gives an all-zero secret: refused
