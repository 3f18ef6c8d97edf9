"""End-to-end streaming benchmark through a real relay on loopback.

Starts its own Xvfb (1920x1080) with the form page (bench/formpage.py), a real
relay (RelayThread, plain ws on 127.0.0.1), a citizen endpoint whose ScreenStreamer
captures the Xvfb, and an agent endpoint that decodes into a Compositor.  The two
endpoints pair over SPAKE2, every frame travels encrypted through the relay, and
the agent acks over the same path.  Then the scripted citizen plays: idle, typing
a sentence, scrolling, moving the mouse, a full page change, idle with a caret.

    python bench/stream.py [--json PATH] [--fps N]

Figures: typing latency (key injected on the citizen's X server -> the agent's
framebuffer holds the change, p50/p95), bytes per typed character, bytes and time
for the full page change, idle bytes/s, CPU of the citizen side (capture thread +
network thread) while typing and scrolling, agent decode time per frame, and
whether the final agent framebuffer equals the citizen's screen pixel for pixel.
Each is printed with PASS/FAIL against the targets of issue 3.
"""

from __future__ import annotations

import queue
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench import codec, formpage  # noqa: E402
from cobrowse.screen.compositor import Compositor  # noqa: E402
from cobrowse.screen.streamer import ScreenStreamer  # noqa: E402
from cobrowse.session import events as ev  # noqa: E402
from cobrowse.session.endpoint import (  # noqa: E402
    AgentEndpoint,
    CitizenEndpoint,
    CodeReady,
    LinkStats,
    SignedIn,
)
from relay.accounts import AccountStore  # noqa: E402
from relay.config import RelayConfig  # noqa: E402
from relay.server import RelayThread  # noqa: E402

PASSWORD = "bench-only-password-1"


class Waiter:
    """Collects endpoint events (network thread) so the script can wait for one."""

    def __init__(self, react: Callable[[object], None] | None = None) -> None:
        self.q: queue.Queue[object] = queue.Queue()
        self.react = react

    def __call__(self, event: object) -> None:
        if self.react is not None:
            self.react(event)
        self.q.put(event)

    def wait_for(self, kind: type, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            event = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(event, kind):
                return event


class RelayAgent(codec.LocalAgent):
    """The same measuring interface as codec.LocalAgent, but frames arrive through
    the relay: streamer -> citizen endpoint -> relay -> agent endpoint -> here."""

    def __init__(self) -> None:  # no local decode thread: the endpoint has one
        self.comp = Compositor()
        self.records: list[codec.Record] = []
        self.cursor_moves = 0
        self.encode_s: dict[int, float] = {}
        self.digests: list[tuple[float, bytes]] | None = None
        self.sent_at: dict[int, float] = {}
        self.cond = threading.Condition()
        self.streamer: ScreenStreamer | None = None
        self.rtts: list[float] = []

    def on_frame_sent(self, frame_id: int) -> None:
        assert self.streamer is not None  # under the streamer's lock: stats match
        self.encode_s[frame_id] = self.streamer.stats.last_encode_seconds
        self.sent_at[frame_id] = time.perf_counter()

    def frame_sink(self, frame_id: int, payload: bytes) -> None:
        """Called by the agent endpoint's decode worker, one frame at a time."""
        self.apply(self.sent_at.pop(frame_id, time.perf_counter()), frame_id, payload)

    def on_agent_event(self, event: object) -> None:
        if isinstance(event, ev.Cursor):
            with self.cond:
                self.cursor_moves += 1
        elif isinstance(event, LinkStats):
            self.rtts.append(event.rtt_ms)

    def close(self) -> None:
        pass


class CitizenProbe(codec.Probe):
    """CPU of the citizen side: the capture thread plus the citizen's network thread."""

    def __init__(
        self, streamer: ScreenStreamer, agent: codec.LocalAgent, net_thread: threading.Thread
    ) -> None:
        super().__init__(streamer, agent)
        self.net_clock = time.pthread_getcpuclockid(net_thread.ident or 0)

    def __enter__(self) -> CitizenProbe:
        super().__enter__()
        self.net0 = time.clock_gettime(self.net_clock)
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        self.cpu += time.clock_gettime(self.net_clock) - self.net0


def connect(
    relay: RelayThread, agent: RelayAgent, max_fps: float
) -> tuple[CitizenEndpoint, AgentEndpoint, ScreenStreamer]:
    holder: dict[str, Any] = {}

    def citizen_react(event: object) -> None:
        if isinstance(event, ev.FrameAck):
            holder["streamer"].ack(event.frame_id)
        elif isinstance(event, ev.ConsentRequest) and event.kind == "view":
            holder["citizen"].send(ev.ConsentGrant("view"))
            holder["streamer"].start()

    def on_frame(frame_id: int, payload: bytes) -> None:
        agent.on_frame_sent(frame_id)
        holder["citizen"].send_frame(frame_id, payload)

    def on_cursor(x: int, y: int, visible: bool) -> None:
        holder["citizen"].send(ev.Cursor(x, y, visible))

    streamer = ScreenStreamer(on_frame, on_cursor, max_fps=max_fps)
    agent.streamer = holder["streamer"] = streamer
    cw, aw = Waiter(citizen_react), Waiter(agent.on_agent_event)
    citizen = holder["citizen"] = CitizenEndpoint(relay.url, cw)
    agent_ep = AgentEndpoint(
        relay.url,
        aw,
        name="bench",
        password=PASSWORD,
        frame_sink=agent.frame_sink,
        ping_interval=0.5,
    )
    citizen.start()
    agent_ep.sign_in()
    code = cw.wait_for(CodeReady).code
    aw.wait_for(SignedIn)
    agent_ep.join(code.display())
    aw.wait_for(ev.Secured)
    agent_ep.send(ev.ConsentRequest("view"))
    aw.wait_for(ev.ConsentGrant)
    return citizen, agent_ep, streamer


def run(max_fps: float) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="cobrowse-bench-"))
    AccountStore(data / "relay.db").add("bench", "Bench Agent", "Albertslund", PASSWORD)
    relay = RelayThread(RelayConfig(host="127.0.0.1", port=0, data_dir=data, dev=True))
    relay.start()
    page = formpage.launch(blink=False)
    agent = RelayAgent()
    citizen, agent_ep, streamer = connect(relay, agent, max_fps)
    net_thread = citizen._net._thread  # the citizen's network thread, for its CPU time
    codec.PROBE = lambda s, a: CitizenProbe(s, a, net_thread)
    results: dict[str, Any] = {}
    try:
        agent.quiet(1.0)
        start = agent.since(0.0)
        results["initial"] = {
            "keyframe_bytes": start[0].size,
            "frames_until_exact": len(start),
            "bytes_until_exact": sum(r.size for r in start),
            "keyframe_decode_ms": 1000 * start[0].decode_s,
        }
        results["idle"] = codec.idle(streamer, agent, 3.0)
        results["typing"] = codec.typing(page, streamer, agent)
        results["scrolling"] = codec.scrolling(page, streamer, agent)
        results["mouse"] = codec.mouse(streamer, agent)
        results["page_change"] = codec.page_change(page, streamer, agent)
        agent.quiet(1.0)
        with agent.cond:
            final = agent.comp.frame[..., :3].copy()  # type: ignore[index]
        results["final_pixel_exact"] = bool(np.array_equal(final, codec.screen()))
        page.close()
        page = formpage.launch(blink=True)
        codec.citizen_script.focus_field(page, "navn")
        agent.wait(lambda: False, 2.0)
        results["idle_caret_blink"] = codec.idle(streamer, agent, 5.0)
        records = agent.since(0.0)
        results["decode_ms_per_frame"] = 1000 * statistics.mean(r.decode_s for r in records)
        results["totals"] = {
            "frames": len(records),
            "bytes": sum(r.size for r in records),
            "encode_ms_per_capture": 1000
            * streamer.stats.encode_seconds
            / max(1, streamer.stats.captures),
        }
        results["rtt_ms_median"] = statistics.median(agent.rtts) if agent.rtts else None
    finally:
        streamer.stop()
        citizen.stop()
        agent_ep.stop()
        page.close()
        relay.stop()
    return results


def show(results: dict[str, Any], ok: dict[str, bool]) -> None:
    print(
        "through a real relay on loopback (ws), encrypted end to end; CPU figures are the "
        "citizen's capture + network threads"
    )
    codec.report(results, ok, where="through the relay", cpu="citizen CPU (capture + network)")
    if results["rtt_ms_median"] is not None:
        print(
            f"session round trip (Ping/Pong through the relay): median "
            f"{results['rtt_ms_median']:.1f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    return codec.bench_main(__doc__.splitlines()[0], run, show, argv)


if __name__ == "__main__":
    sys.exit(main())
