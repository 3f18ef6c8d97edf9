"""Load through a cluster of relay processes behind HAProxy, side by side with one.

``python -m bench.relaycluster --sessions 300 --nodes 1,2 --seconds 10`` starts a
throw-away PostgreSQL cluster (tests/relay/pgcluster.py; or ``--database URL``),
then for each node count: that many ``python -m relay serve`` processes with
``[cluster]`` node names and an even share of the nameplates' leading digits,
HAProxy with the configuration of relay/haproxy.py in front of them, and the
load of bench/relayload.py through the proxy.  Citizens get their codes round
robin; each agent signs in at ``?route=<digit>`` for its citizen's nameplate
(docs/scale.md), so it lands on the right node at once.

It runs bench/relayload.py's generator (``relayload.drive``) against the proxy,
each agent's URL a function of its citizen's nameplate, and reads every node's
CPU (summed) and HAProxy's (on the side).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import relayload
from cobrowse.session.transport import routed_url
from relay.config import ALL_ROUTES
from relay.haproxy import Node, haproxy_config

ROOT = Path(__file__).resolve().parents[1]
_LISTENING = re.compile(r"listening on ws://\S+:(\d+)/")
_NODE_CONFIG = """\
[server]
trusted_proxies = ["127.0.0.1"]
[accounts]
database = "{url}"
[stats]
database = "{url}"
[cluster]
node = "{node}"
routes = "{routes}"
heartbeat = {heartbeat}
node_expiry = {expiry}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def split_routes(nodes: int) -> list[str]:
    """The digits 0-9 shared out as evenly as the count allows: 2 -> 01234, 56789."""
    return [ALL_ROUTES[n * 10 // nodes : (n + 1) * 10 // nodes] for n in range(nodes)]


class RelayNode:
    """One ``python -m relay serve --dev`` process as a cluster node."""

    def __init__(self, folder: Path, url: str, name: str, routes: str, extra: str = "") -> None:
        self.name, self.routes = name, routes
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "relay.toml"
        text = _NODE_CONFIG.format(url=url, node=name, routes=routes, heartbeat=0.5, expiry=3)
        config.write_text(text + extra, encoding="utf-8")
        args = [sys.executable, "-m", "relay", "serve", "--dev", "--port", "0"]
        args += ["--data-dir", str(folder), "--config", str(config)]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("COBROWSE_RELAY_DATA", None)
        self.log = folder / "relay.log"
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.port = self._wait_listening()

    def _wait_listening(self) -> int:
        assert self.proc.stdout is not None
        seen: list[str] = []
        for line in self.proc.stdout:
            seen.append(line)
            if found := _LISTENING.search(line):
                threading.Thread(target=self._drain, daemon=True).start()
                return int(found.group(1))
        raise RuntimeError(f"relay node {self.name} did not start:\n{''.join(seen[-20:])}")

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        with self.log.open("a", encoding="utf-8") as out:
            for line in self.proc.stdout:
                out.write(line)

    @property
    def node(self) -> Node:
        return Node(self.name, "127.0.0.1", self.port, self.routes)

    def kill(self) -> None:
        """SIGKILL: the node dies without a word (no row removed, no close frames)."""
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class HAProxy:
    """Stock ``haproxy`` in the foreground with a generated configuration."""

    def __init__(self, folder: Path, nodes: list[Node]) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.port = free_port()
        self.config = folder / "haproxy.cfg"
        files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]  # haproxy wants 2 per conn
        maxconn = max(256, min(20_000, (files - 64) // 2))
        text = haproxy_config(
            nodes, f"127.0.0.1:{self.port}", check_interval="300ms", maxconn=maxconn
        )
        self.config.write_text(text, "utf-8")
        self.log = (folder / "haproxy.log").open("w")
        self.proc = subprocess.Popen(
            [binary, "-db", "-f", str(self.config)], stdout=self.log, stderr=subprocess.STDOUT
        )
        self.url = f"ws://127.0.0.1:{self.port}/v1"
        if not wait_until(lambda: self.healthy(len(nodes)), 30):
            self.stop()
            raise RuntimeError(f"haproxy did not come up: {(folder / 'haproxy.log').read_text()}")

    def healthy(self, want: int) -> bool:
        """True once the proxy answers /healthz (every node took a turn: ``want`` tries)."""
        if self.proc.poll() is not None:
            raise RuntimeError("haproxy exited")
        for _ in range(want):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                    if b" 200 " not in s.recv(64).split(b"\r\n", 1)[0]:
                        return False
            except OSError:
                return False
        return True

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()


def wait_until(condition: Any, timeout: float) -> bool:
    """Check ``condition`` every 50 ms until it holds or ``timeout`` s have passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.05)
    return True


@contextlib.contextmanager
def cluster(url: str, folder: Path, nodes: int, extra: str = "") -> Iterator[list[RelayNode]]:
    """``nodes`` relay processes sharing the database at ``url``."""
    started: list[RelayNode] = []
    try:
        for n, routes in enumerate(split_routes(nodes)):
            started.append(RelayNode(folder / f"node{n + 1}", url, f"relay{n + 1}", routes, extra))
        yield started
    finally:
        for node in started:
            node.stop()


# --- the load run: relayload's generator, routed ------------------------------------


def run(url: str, nodes: int, sessions: int, args: argparse.Namespace) -> dict[str, Any]:
    """One row: ``nodes`` relays behind HAProxy carrying ``sessions`` pairs."""
    with tempfile.TemporaryDirectory(prefix="relaycluster-") as tmp:
        with cluster(url, Path(tmp), nodes, relayload.CONFIG) as started:
            proxy = HAProxy(Path(tmp), [n.node for n in started])
            try:
                t0 = time.monotonic()
                row = relayload.drive(
                    proxy.url,
                    sessions,
                    seconds=args.seconds,
                    warmup=args.warmup,
                    rate=args.rate,
                    procs=args.procs,
                    relay_pids=[*(n.proc.pid for n in started), proxy.proc.pid],
                    agent_url=functools.partial(routed_url, proxy.url),
                )
                *relays, haproxy = row["relay_cpus"]
                row["relay_cpu"], row["haproxy_cpu"] = sum(relays), haproxy
                row["nodes"], row["wall_s"] = nodes, time.monotonic() - t0
                return row
            finally:
                proxy.stop()


def _database(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    if args.database:
        return str(args.database)
    sys.path.insert(0, str(ROOT / "tests" / "relay"))
    from pgcluster import Cluster, bin_dir, fresh_database

    bindir = bin_dir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), or --database")
    pg = Cluster(bindir)
    stack.callback(pg.stop)
    return str(stack.enter_context(fresh_database(pg)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="100", help="comma-separated counts")
    parser.add_argument("--nodes", default="1,2", help="comma-separated node counts")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=180e3, help="bytes/s per session")
    parser.add_argument("--procs", type=int, default=2, help="generator processes")
    parser.add_argument("--database", help="a postgresql:// URL (default: a throw-away one)")
    args = parser.parse_args(argv)
    print(
        "nodes  sessions  setup/s  relays CPU  haproxy CPU  p50 ms  p99 ms  frames/s"
        "  gen CPU  lag p99  load",
        flush=True,
    )
    with contextlib.ExitStack() as stack:
        url = _database(args, stack)
        from relay.accounts import AccountStore

        accounts = AccountStore(url)
        accounts.add("bench", "Bench", "Albertslund", relayload.PASSWORD)
        accounts.close()
        for sessions in (int(n) for n in args.sessions.split(",")):
            for nodes in (int(n) for n in args.nodes.split(",")):
                row = run(url, nodes, sessions, args)
                print(
                    f"{row['nodes']:5d}  {row['sessions']:8d}  {row['setup_per_s']:7.1f}"
                    f"  {row['relay_cpu']:9.1f}%  {row['haproxy_cpu']:10.1f}%"
                    f"  {row['p50']:6.2f}  {row['p99']:6.2f}  {row['frames_per_s']:8.0f}"
                    f"  {row['gen_cpu']:6.1f}%  {row['lag_p99']:7.2f}  {row['load']:4.2f}"
                    f"  {relayload.verdict(row)}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
