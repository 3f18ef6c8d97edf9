"""Fakes for the citizen client tests: endpoint, streamer, controllers, and helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from citizen_client.app import CitizenApp
from cobrowse.control import Injector, LocalInputGuard, Monitor, TripleEscape
from cobrowse.session import events as ev
from cobrowse.session.codes import SessionCode
from cobrowse.session.endpoint import AgentJoined, CodeReady
from cobrowse.session.state import State

CODE = SessionCode("0042", "123456")


@dataclass
class FakeSession:
    state: State = State.WAITING


class FakeEndpoint:
    """Records what the app asks of the endpoint."""

    def __init__(self, url: str, on_event: Callable[[object], None]) -> None:
        self.url = url
        self.on_event = on_event
        self.sent: list[object] = []
        self.calls: list[str] = []
        self.frames: list[tuple[int, bytes]] = []
        self.session = FakeSession()

    def start(self) -> None:
        self.calls.append("start")

    def stop(self) -> None:
        self.calls.append("stop")

    def end(self, reason: str = "done") -> None:
        self.calls.append(f"end:{reason}")

    def new_code(self) -> None:
        self.calls.append("new_code")

    def send(self, msg: object) -> None:
        self.sent.append(msg)

    def send_frame(self, frame_id: int, payload: bytes) -> None:
        self.frames.append((frame_id, payload))

    def of(self, kind: type) -> list[Any]:
        return [m for m in self.sent if isinstance(m, kind)]


@dataclass
class FakeStreamer:
    on_frame: Callable[[int, bytes], None]
    on_cursor: Callable[..., None]
    on_cursor_shape: Callable[..., None]
    hidden: Callable[[], Any] | None = None
    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def start(self) -> None:
        self.calls.append(("start",))

    def stop(self) -> None:
        self.calls.append(("stop",))

    def ack(self, frame_id: int, held: float = 0.0) -> None:
        self.calls.append(("ack", frame_id))

    def pause(self) -> None:
        self.calls.append(("pause",))

    def resume(self) -> None:
        self.calls.append(("resume",))

    def select_monitor(self, index: int) -> bool:
        self.calls.append(("select", index))
        return True

    def reset(self) -> None:
        self.calls.append(("reset",))

    def request_keyframe(self) -> None:
        self.calls.append(("keyframe",))

    def current_monitor(self) -> int:
        return 0

    def monitors(self) -> list[tuple[int, int, int, int]]:
        return [(0, 0, 1920, 1080), (1920, 0, 1280, 1024)]


class Recorder:
    """Fake pynput controllers: every call lands in ``calls``."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.position = (0, 0)

    def press(self, k: Any) -> None:
        self.calls.append(("press", k))

    def release(self, k: Any) -> None:
        self.calls.append(("release", k))

    def scroll(self, dx: int, dy: int) -> None:
        self.calls.append(("scroll", dx, dy))


class Rig:
    def __init__(self) -> None:
        self.streamers: list[FakeStreamer] = []
        self.keyboard = Recorder()
        self.mouse = Recorder()
        self.hotkey: TripleEscape | None = None
        self.listener_calls: list[str] = []

    def streamer(self, **kw: Any) -> FakeStreamer:
        s = FakeStreamer(**kw)
        self.streamers.append(s)
        return s

    def injector(
        self, gate: Any, monitor: Monitor, *, guard: LocalInputGuard, hotkey: TripleEscape
    ) -> Injector:
        self.hotkey = hotkey
        return Injector(
            self.mouse,
            self.keyboard,
            gate,
            special=lambda n: f"<{n}>",
            button=lambda n: f"[{n}]",
            monitor=monitor,
            guard=guard,
            hotkey=hotkey,
        )

    def listeners(self, guard: LocalInputGuard, hotkey: TripleEscape) -> Any:
        rig = self

        class Listeners:
            def start(self) -> None:
                rig.listener_calls.append("start")

            def stop(self) -> None:
                rig.listener_calls.append("stop")

        return Listeners()


def to_sharing(app: CitizenApp) -> None:
    """Code shown, agent joined and paired, view granted."""
    app.handle(CodeReady(CODE))
    app.handle(AgentJoined("Anna Jensen", "Albertslund"))
    app.handle(ev.Paired("4812"))
    app.handle(ev.Secured())
    app.endpoint.session.state = State.PAIRED
    app.handle(ev.ConsentRequest("view"))
    app.view.view_dialog.yes.click()
    app.endpoint.session.state = State.VIEWING


def to_controlled(app: CitizenApp) -> None:
    to_sharing(app)
    app.handle(ev.ConsentRequest("control"))
    app.view.control_dialog.yes.click()
    app.endpoint.session.state = State.CONTROLLING


# The offscreen platform cannot raise windows or pass size hints; that is not a bug here.
OFFSCREEN = pytest.mark.qt_log_ignore(r"This plugin does not support")
