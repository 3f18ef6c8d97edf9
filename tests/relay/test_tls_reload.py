"""SIGHUP reloads the relay's TLS certificate: a real ``python -m relay serve``
process with certificates from a CA made here, a wss session open across the
reload, and a new connection that sees the new certificate."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import queue
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.sync.client import ClientConnection, connect

from relay.config import RelayConfig
from relay.server import RelayThread

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30.0
_LISTENING = re.compile(r"listening on (wss://127\.0\.0\.1:(\d+)/v1)")


class CA:
    """A throw-away certificate authority that issues certificates for 127.0.0.1."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
        self.cert = (
            self._builder(self.name, self.key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )

    def _builder(
        self, subject: x509.Name, public: ec.EllipticCurvePublicKey
    ) -> x509.CertificateBuilder:
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
        )

    def issue(self, cert_path: Path, key_path: Path) -> int:
        """Write a new certificate and key for 127.0.0.1; returns its serial number."""
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay")])
        san = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
        cert = (
            self._builder(subject, key.public_key())
            .add_extension(san, critical=False)
            .sign(self.key, hashes.SHA256())
        )
        pem = serialization.Encoding.PEM
        cert_path.write_bytes(cert.public_bytes(pem) + self.cert.public_bytes(pem))
        key_path.write_bytes(
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        return int(cert.serial_number)

    def trust(self) -> ssl.SSLContext:
        return ssl.create_default_context(
            cadata=self.cert.public_bytes(serialization.Encoding.PEM).decode()
        )


class RelayTLS:
    """``python -m relay serve`` with TLS; its output lines land in a queue."""

    def __init__(self, folder: Path, cert: Path, key: Path) -> None:
        config = folder / "relay.toml"
        config.write_text(
            f'[server]\nport = 0\ndata_dir = "{folder / "data"}"\n'
            f'tls_cert = "{cert}"\ntls_key = "{key}"\n'
            "[opening_hours]\nalways_open = true\n",
            encoding="utf-8",
        )
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("COBROWSE_RELAY_DATA", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "relay", "serve", "--config", str(config)],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        found = _LISTENING.search(self.wait_for("listening on"))
        assert found is not None
        self.url, self.port = found.group(1), int(found.group(2))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line.rstrip())
            self.lines.put(line)

    def wait_for(self, words: str) -> str:
        """The next output line containing ``words``."""
        try:
            while words not in (line := self.lines.get(timeout=TIMEOUT)):
                pass
        except queue.Empty:
            raise AssertionError(f"no {words!r} from the relay: {self.output[-5:]}") from None
        return line

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(15)


def served_serial(port: int, trust: ssl.SSLContext) -> int:
    """The serial number of the certificate a new handshake gets."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
        with trust.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            der = tls.getpeercert(binary_form=True)
    assert der is not None
    return int(x509.load_der_x509_certificate(der).serial_number)


def citizen(url: str, trust: ssl.SSLContext) -> ClientConnection:
    return connect(url, ssl=trust, compression=None, open_timeout=TIMEOUT)


def say_hello(ws: ClientConnection) -> object:
    ws.send(json.dumps({"type": "hello", "version": 1, "role": "citizen"}))
    return next_of(ws, "nameplate")["nameplate"]


def next_of(ws: ClientConnection, kind: str) -> dict[str, object]:
    while True:
        msg = json.loads(ws.recv(timeout=TIMEOUT))
        if msg["type"] == kind:
            return msg  # type: ignore[no-any-return]


@pytest.fixture
def tls_relay(tmp_path: Path) -> Iterator[tuple[RelayTLS, CA, Path, Path]]:
    ca = CA()
    cert, key = tmp_path / "relay.crt", tmp_path / "relay.key"
    ca.issue(cert, key)
    relay = RelayTLS(tmp_path, cert, key)
    try:
        yield relay, ca, cert, key
    finally:
        relay.stop()


def audit(folder: Path) -> list[dict[str, object]]:
    path = folder / "data" / "audit.jsonl"
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if '"tls_reload"' in line]


def test_sighup_serves_the_new_certificate_and_keeps_sessions(
    tls_relay: tuple[RelayTLS, CA, Path, Path], tmp_path: Path
) -> None:
    relay, ca, cert, key = tls_relay
    trust = ca.trust()
    old = served_serial(relay.port, trust)
    with citizen(relay.url, trust) as ws:
        nameplate = say_hello(ws)
        new = ca.issue(cert, key)  # what certbot's renewal does to the files
        relay.proc.send_signal(signal.SIGHUP)
        assert "TLS certificate reloaded" in relay.wait_for("TLS certificate")
        assert served_serial(relay.port, trust) == new != old
        # the session opened before the reload still talks over its old handshake
        ws.send(json.dumps({"type": "new_nameplate"}))
        assert next_of(ws, "nameplate")["nameplate"] != nameplate
        assert relay.proc.poll() is None
    assert [a["outcome"] for a in audit(tmp_path)] == ["reloaded"]


def test_a_bad_new_certificate_is_refused_and_the_old_one_stays(
    tls_relay: tuple[RelayTLS, CA, Path, Path], tmp_path: Path
) -> None:
    relay, ca, cert, key = tls_relay
    trust = ca.trust()
    with citizen(relay.url, trust) as ws:
        say_hello(ws)
        refuse_two_bad_certificates(relay, ca, cert, key, trust, tmp_path)
        ws.send(json.dumps({"type": "new_nameplate"}))
        assert next_of(ws, "nameplate")
    assert relay.proc.poll() is None
    assert [a["outcome"] for a in audit(tmp_path)] == ["refused", "refused"]
    assert not any("BEGIN" in line for line in relay.output)  # no key material in the log


def refuse_two_bad_certificates(
    relay: RelayTLS, ca: CA, cert: Path, key: Path, trust: ssl.SSLContext, tmp_path: Path
) -> None:
    before = served_serial(relay.port, trust)
    other_key = tmp_path / "other.key"
    ca.issue(tmp_path / "other.crt", other_key)
    key.write_bytes(other_key.read_bytes())  # a key that does not match the certificate
    relay.proc.send_signal(signal.SIGHUP)
    line = relay.wait_for("TLS certificate")
    assert "reload refused, keeping the current one" in line and str(cert) in line
    assert served_serial(relay.port, trust) == before
    cert.write_text("not a certificate\n")
    relay.proc.send_signal(signal.SIGHUP)
    assert "refused" in relay.wait_for("TLS certificate")
    assert served_serial(relay.port, trust) == before


def test_sighup_without_tls_changes_nothing(tmp_path: Path) -> None:
    with RelayThread(RelayConfig(data_dir=tmp_path / "data", port=0, dev=True)) as thread:
        assert thread.relay is not None
        assert thread.relay.reload_tls() is False
        assert thread.url.startswith("ws://")
    assert audit(tmp_path) == []
