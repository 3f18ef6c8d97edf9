"""Load through one real relay process: N citizen+agent pairs, opaque frames.

``python -m bench.relayload --sessions 300,600,1000 --seconds 10 --pin`` starts
``python -m relay serve --dev`` on loopback for each count, opens the pairs with
the relay layer of docs/protocol.md §1 (citizen hello → nameplate; agent hello →
welcome → join → joined), then sends opaque binary frames of mixed sizes from
every citizen to its agent at ``--rate`` bytes/s (180 kB/s: a busy screen share).
The agent acks as the real one does (:class:`cobrowse.session.acks.DelayedAcks`:
cumulatively, at once within a burst or when 4 frames wait, else up to 1 s
later), with a 23-byte record (the session layer's compact ``FrameAck``).  Each
frame carries its send time (``CLOCK_MONOTONIC``, one clock for every process), so
the agent side measures the latency the relay adds; on loopback with an idle
generator that is the relay's queueing and forwarding time.

The generator speaks WebSocket with :mod:`bench.rawws` (one asyncio Protocol per
socket, senders on loop timers, no task per connection; on uvloop where installed),
so one process drives 1000 pairs.  ``--pin`` puts the relay on the last core and
the generator on the others.  Relay CPU comes from ``/proc/<pid>/stat`` over the
measured window; each
generator process reports its own CPU and how late its senders woke (``lag``): if
a generator is near 100 % or its lag p99 is of the order of the latency, the
figure is the generator's, not the relay's, and the row says so.  Set-up runs at
the rate agent logins allow (password hashing); one agent account is reused
(several connections per account are allowed; ``logins_at_once_account`` is
raised for the run).  :func:`drive` runs the load against any URL (a proxy in
front of several relays too) and returns the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import rawws
from cobrowse.session.acks import DelayedAcks

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench horse battery staple"
SIZES = (600, 1500, 3000, 6000, 12000, 24000)  # a mix of small updates and tiles
RATE = 180e3
ACK = 23  # a compact FrameAck record: type, two varints, the AEAD tag (acks.py)
ACK_FRAME = rawws.frame_header(2, ACK) + bytes(ACK)
SETUP_AT_ONCE = 16  # pairs a generator opens at once (logins_at_once below)
TARGET_SESSIONS, TARGET_P99_MS = 1000, 10.0
AgentUrl = str | Callable[[str], str] | None
_LISTENING = re.compile(r"listening on (ws://\S+:(\d+)/\S*)")
_TICK = os.sysconf("SC_CLK_TCK")

CONFIG = """\
[limits]
connections_per_group = 100000
citizens_per_group = 100000
nameplate_ttl = 3600.0
[rate_limits]
claims_burst = 100000
claims_per_minute = 1000000.0
joins_burst = 100000
joins_per_minute = 1000000.0
login_failures_account = 100000
login_failures_address = 100000
logins_at_once_account = 64
logins_at_once_address = 64
[opening_hours]
always_open = true
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` (all its threads), from /proc."""
    return sum(cpu_split(pid))


def cpu_split(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of process ``pid`` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / _TICK, int(fields[12]) / _TICK


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# --- the relay --------------------------------------------------------------------


def start_relay(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    from relay.accounts import AccountStore

    AccountStore(data_dir / "relay.db").add("bench", "Bench", "Albertslund", PASSWORD)
    (data_dir / "relay.toml").write_text(CONFIG, encoding="utf-8")
    args = [sys.executable, "-m", "relay", "serve", "--dev", "--port", "0"]
    args += ["--data-dir", str(data_dir), "--config", str(data_dir / "relay.toml")]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("COBROWSE_RELAY_DATA", None)
    proc = subprocess.Popen(
        args, cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if found := _LISTENING.search(line):
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep it drained
            return proc, found.group(1)
    raise RuntimeError("the relay did not start")


# --- one generator process --------------------------------------------------------


async def open_pair(
    url: str, agent_url: AgentUrl, load: Load
) -> tuple[rawws.RawWebSocket, rawws.RawWebSocket]:
    """A citizen with a nameplate and an agent joined to it (docs/protocol.md §1)."""
    citizen = await rawws.connect(url, load.on_ack)
    citizen.send_text(json.dumps({"type": "hello", "version": 1, "role": "citizen"}))
    nameplate = ""
    while not nameplate:
        msg = await _message(citizen)
        nameplate = msg.get("nameplate", "") if msg["type"] == "nameplate" else ""
    where = agent_url(nameplate) if callable(agent_url) else (agent_url or url)
    session = Session(load)
    agent = await rawws.connect(where, session.on_frame)
    session.agent = agent
    hello = {"type": "hello", "version": 1, "role": "agent"}
    agent.send_text(json.dumps({**hello, "name": "bench", "password": PASSWORD}))
    if (await _message(agent))["type"] != "welcome":
        raise RuntimeError("the bench agent was not signed in")
    agent.send_text(json.dumps({"type": "join", "nameplate": nameplate}))
    while (msg := await _message(agent))["type"] != "joined":
        if msg["type"] == "error":
            raise RuntimeError(f"join refused: {msg}")
    while (await _message(citizen))["type"] != "agent_joined":
        pass
    session.citizen = citizen
    return citizen, agent


async def _message(ws: rawws.RawWebSocket) -> dict[str, Any]:
    text = await ws.texts.get()
    if not text:
        raise ConnectionError(f"the relay closed a connection in the set-up: {ws.close_reason}")
    msg: dict[str, Any] = json.loads(text)
    return msg


class Load:
    """The traffic of one generator process; samples kept from ``measure_from`` on."""

    def __init__(self, rate: float, measure_from: int, until: int) -> None:
        self.rate, self.measure_from, self.until = rate, measure_from, until
        self.latency_ms: list[float] = []
        self.lag_ms: list[float] = []
        self.frames = self.bytes = self.acks = 0
        self.sessions: list[Session] = []
        payload = os.urandom(max(SIZES))
        # each size's frame as header + 8-byte send time + the rest (one copy a send)
        self.parts = [(rawws.frame_header(2, n), payload[8:n]) for n in SIZES]

    def on_ack(self, stamp: int, length: int) -> None:
        self.acks += 1

    def start(self, start: int) -> None:
        """Schedule every session's first frame: each at its own random phase and
        place in the size cycle, so sessions do not send big frames in lockstep."""
        cycle = int(sum(SIZES) / self.rate * 1e9)
        for session in self.sessions:
            session.due = start + random.randrange(cycle)
            session.index = random.randrange(len(SIZES))
            session.schedule()


class Session:
    """One pair: the citizen sends frames on a timer, the agent acks like the real
    agent does (:class:`cobrowse.session.acks.DelayedAcks`: at once within a burst
    or when 4 frames wait, else at most 1 s later, cumulatively)."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.citizen: rawws.RawWebSocket | None = None
        self.agent: rawws.RawWebSocket | None = None
        self.acks = DelayedAcks(time.monotonic)
        self.ack_timer: asyncio.TimerHandle | None = None
        self.due = self.index = self.frame_id = 0
        self.loop = asyncio.get_running_loop()
        load.sessions.append(self)

    def schedule(self) -> None:
        self.loop.call_at(self.due / 1e9, self.send)

    def send(self) -> None:
        load, now = self.load, time.monotonic_ns()
        if now >= load.until or self.citizen is None:
            return
        if now >= load.measure_from:
            load.lag_ms.append((now - self.due) / 1e6)
        head, rest = load.parts[self.index]
        self.citizen.write(b"".join((head, now.to_bytes(8, "big"), rest)))
        self.due += int(SIZES[self.index] / load.rate * 1e9)
        self.index = (self.index + 1) % len(SIZES)
        self.schedule()

    def on_frame(self, sent: int, length: int) -> None:
        load = self.load
        if sent >= load.measure_from:
            load.latency_ms.append((time.monotonic_ns() - sent) / 1e6)
            load.frames += 1
            load.bytes += length
        self.frame_id += 1
        ready = self.acks.applied(self.frame_id)
        if ready is not None:
            self.ack()
        elif self.ack_timer is None:
            self.ack_timer = self.loop.call_later(self.acks.delay, self.held_ack)

    def held_ack(self) -> None:
        self.ack_timer = None
        if self.acks.flush() is not None:
            self.ack()

    def ack(self) -> None:
        assert self.agent is not None
        self.agent.write(ACK_FRAME)


async def generate(url: str, pairs: int, args: dict[str, Any], conn: Any) -> None:
    load = Load(args["rate"], 0, 0)
    gate = asyncio.Semaphore(SETUP_AT_ONCE)

    async def one() -> tuple[rawws.RawWebSocket, rawws.RawWebSocket]:
        async with gate:
            return await open_pair(url, args.get("agent_url"), load)

    opened = await asyncio.gather(*(one() for _ in range(pairs)))
    conn.send("ready")
    start = conn.recv()  # the common start time (monotonic ns), from the parent
    warm, seconds = int(args["warmup"] * 1e9), int(args["seconds"] * 1e9)
    load.measure_from, load.until = start + warm, start + warm + seconds
    load.start(start)
    await asyncio.sleep(max(0.0, (load.measure_from - time.monotonic_ns()) / 1e9))
    cpu0, acks0 = cpu_seconds(os.getpid()), load.acks
    await asyncio.sleep(max(0.0, (load.until - time.monotonic_ns()) / 1e9))
    cpu, acks = cpu_seconds(os.getpid()) - cpu0, load.acks - acks0
    await asyncio.sleep(0.5)  # frames still in flight
    conn.send(
        {
            "latency": load.latency_ms,
            "lag": load.lag_ms,
            "bytes": load.bytes,
            "frames": load.frames,
            "acks": acks,
            "cpu": 100 * cpu / (seconds / 1e9),
        }
    )
    for pair in opened:
        for ws in pair:
            ws.close()


def worker(url: str, pairs: int, args: dict[str, Any], conn: Any) -> None:
    _raise_fd_limit()
    if args.get("cpus"):
        os.sched_setaffinity(0, args["cpus"])
    if args.get("nice"):
        os.setpriority(os.PRIO_PROCESS, 0, args["nice"])
    try:
        import uvloop  # cheaper sockets and timers where installed (the relay's too)
    except ImportError:
        asyncio.run(generate(url, pairs, args, conn))
        return
    uvloop.run(generate(url, pairs, args, conn))


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- one run ----------------------------------------------------------------------


def drive(
    url: str,
    sessions: int,
    *,
    seconds: float = 10.0,
    warmup: float = 2.0,
    rate: float = RATE,
    procs: int = 1,
    cpus: set[int] | None = None,
    nice: int = 0,
    relay_pids: Sequence[int] = (),
    agent_url: AgentUrl = None,
) -> dict[str, Any]:
    """Run ``sessions`` pairs against the relay (or proxy) at ``url`` and return the
    figures: latency p50/p99 (ms), frames/s, generator CPU and lag, and the CPU of
    each process in ``relay_pids`` (``relay_cpu``: their sum, 100 = one core).

    ``agent_url`` is where agents connect (default ``url``): a URL, or a function of
    the nameplate (for a proxy that routes joins by nameplate).  ``cpus`` pins the
    generator processes (e.g. ``{0}`` with the relay pinned to core 1); ``nice`` is
    their scheduling priority (negative: ahead of other work on a shared machine)."""
    args: dict[str, Any] = {"seconds": seconds, "warmup": warmup, "rate": rate}
    args.update(cpus=cpus, nice=nice, agent_url=agent_url)
    ctx = mp.get_context("fork")
    shares = [sessions // procs + (n < sessions % procs) for n in range(procs)]
    pipes, workers = [], []
    for share in shares:
        mine, theirs = ctx.Pipe()
        proc = ctx.Process(target=worker, args=(url, share, args, theirs), daemon=True)
        proc.start()
        theirs.close()  # so a generator that dies is an EOFError here, not a hang
        pipes.append(mine)
        workers.append(proc)
    t0 = time.monotonic()
    for pipe in pipes:
        if pipe.recv() != "ready":
            raise RuntimeError("a generator failed to open its pairs")
    setup_s = time.monotonic() - t0
    start = time.monotonic_ns() + 200_000_000
    for pipe in pipes:
        pipe.send(start)
    time.sleep(max(0.0, (start - time.monotonic_ns()) / 1e9 + warmup))
    cpu0, t1 = [cpu_split(pid) for pid in relay_pids], time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - t1
    cpu1 = [cpu_split(pid) for pid in relay_pids]
    used = [
        (100 * (u1 - u0) / elapsed, 100 * (s1 - s0) / elapsed)
        for (u0, s0), (u1, s1) in zip(cpu0, cpu1, strict=True)
    ]
    cpus_used = [u + s for u, s in used]
    results = [pipe.recv() for pipe in pipes]
    for proc in workers:
        proc.join(10)
    latency = [x for r in results for x in r["latency"]]
    frames = sum(r["frames"] for r in results)
    return {
        "sessions": sessions,
        "setup_per_s": sessions / setup_s,
        "relay_cpu": sum(cpus_used),
        "relay_cpus": cpus_used,
        "relay_sys": sum(s for _, s in used),
        "p50": percentile(latency, 50),
        "p99": percentile(latency, 99),
        "kB_per_s_per_session": sum(r["bytes"] for r in results) / seconds / sessions / 1e3,
        "frames_per_s": frames / seconds,
        "acks_per_frame": sum(r["acks"] for r in results) / max(1, frames),
        "gen_cpu": max(r["cpu"] for r in results),
        "lag_p99": percentile([x for r in results for x in r["lag"]], 99),
        "load": os.getloadavg()[0],
    }


def run(sessions: int, args: argparse.Namespace) -> dict[str, Any]:
    """One relay, ``sessions`` pairs over ``--procs`` generators; the row's figures."""
    relay_cpus, gen_cpus = _placement(getattr(args, "pin", False))
    with tempfile.TemporaryDirectory(prefix="relayload-") as tmp:
        relay, url = start_relay(Path(tmp))
        try:
            if relay_cpus:
                os.sched_setaffinity(relay.pid, relay_cpus)
            if getattr(args, "nice", 0):
                os.setpriority(os.PRIO_PROCESS, relay.pid, args.nice)
            return drive(
                url,
                sessions,
                seconds=args.seconds,
                warmup=args.warmup,
                rate=args.rate,
                procs=args.procs,
                cpus=gen_cpus,
                nice=getattr(args, "nice", 0),
                relay_pids=[relay.pid],
            )
        finally:
            relay.terminate()
            relay.wait(10)


def _placement(pin: bool) -> tuple[set[int] | None, set[int] | None]:
    """(relay cores, generator cores): the last core for the relay, the rest for the
    generator, when pinned on a machine with two cores or more."""
    cores = sorted(os.sched_getaffinity(0))
    if not pin or len(cores) < 2:
        return None, None
    return {cores[-1]}, set(cores[:-1])


def verdict(row: dict[str, Any]) -> str:
    """PASS/FAIL against the issue's target, and whether the generator kept up."""
    ok = row["p99"] <= TARGET_P99_MS and row["relay_cpu"] < 100.0
    if row["gen_cpu"] > 85 or row["lag_p99"] > TARGET_P99_MS:
        return ("PASS" if ok else "FAIL") + " (generator-limited: figures are an upper bound)"
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="300,600,1000", help="comma-separated counts")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=RATE, help="bytes/s per session")
    parser.add_argument("--procs", type=int, default=1, help="generator processes")
    parser.add_argument(
        "--pin", action="store_true", help="relay on the last core, load on the rest"
    )
    parser.add_argument(
        "--nice", type=int, default=0, help="priority of relay and generator (root: < 0)"
    )
    args = parser.parse_args(argv)
    head = (
        "sessions  setup/s  relay CPU (of it system)  p50 ms  p99 ms  kB/s/sess  frames/s"
        "  acks/frame"
        "  gen CPU  lag p99  load"
    )
    print(head, flush=True)
    rows = []
    for sessions in (int(n) for n in args.sessions.split(",")):
        row = run(sessions, args)
        rows.append(row)
        print(
            f"{row['sessions']:8d}  {row['setup_per_s']:7.1f}  {row['relay_cpu']:5.1f}%"
            f" ({row['relay_sys']:4.1f}% sys)"
            f"  {row['p50']:6.2f}  {row['p99']:6.2f}  {row['kB_per_s_per_session']:9.1f}"
            f"  {row['frames_per_s']:8.0f}  {row['acks_per_frame']:10.2f}"
            f"  {row['gen_cpu']:6.1f}%  {row['lag_p99']:7.2f}"
            f"  {row['load']:4.2f}  {verdict(row)}",
            flush=True,
        )
    big = [r for r in rows if r["sessions"] >= TARGET_SESSIONS]
    if not big:
        print(f"target ({TARGET_SESSIONS} sessions, p99 <= {TARGET_P99_MS} ms): not run")
        return 0
    print(f"target ({TARGET_SESSIONS} sessions, p99 <= {TARGET_P99_MS} ms): {verdict(big[-1])}")
    return 0 if verdict(big[-1]).startswith("PASS") else 1


if __name__ == "__main__":
    sys.exit(main())
