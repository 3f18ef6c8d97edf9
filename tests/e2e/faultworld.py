"""The world the fault tests break: a real desktop, the real relay as a process,
the real citizen client in this process (real capture, real pynput injection on
the desktop's display, its windows offscreen so they never take the browser's
focus), the real agent app as a child process, and optionally a TCP proxy on the
citizen's link.  :func:`start_control` walks a session up to the agent typing into
the citizen's browser; :meth:`World.close` ends every process, also on failure.
"""

from __future__ import annotations

import contextlib
import gc
import subprocess
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from agentproc import AgentProcess
from relayproc import RelayProcess
from tcpproxy import TcpProxy

from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.session.endpoint import CitizenEndpoint
from cobrowse.sessionlog import SessionLog, SessionSummary
from cobrowse.sessionlog.model import Event

WAIT = 30.0  # seconds: generous, the machine is shared


class World:
    def __init__(
        self,
        desktop: Any,
        tmp_path: Path,
        qtbot: Any,
        *,
        proxy: str = "",
        **limits: float,
    ) -> None:
        """``proxy``: "citizen" or "agent" puts a TcpProxy on that app's line."""
        self.desktop, self.tmp, self.qtbot = desktop, tmp_path, qtbot
        self.figures: dict[str, float] = {}
        self.citizen_phases: list[tuple[float, str]] = []
        self.agent: AgentProcess | None = None
        self.citizen: CitizenApp | None = None
        self.proxy: TcpProxy | None = None
        self.relay = RelayProcess(tmp_path / "relay", **limits)
        try:
            self._build(proxy)
        except BaseException:
            self.close()  # nothing is left running when the world cannot be built
            raise

    def _build(self, proxy: str) -> None:
        self.relay.start()
        self.proxy_side = proxy
        if proxy:
            self.proxy = TcpProxy(self.relay.port)
        citizen_url = self.proxy.url() if proxy == "citizen" and self.proxy else self.relay.url
        self.citizen = CitizenApp(
            CitizenConfig(relay_url=citizen_url), CitizenEndpoint, Devices.system()
        )
        view = self.citizen.view
        set_phase = view.set_phase

        def record(phase: str) -> None:
            self.citizen_phases.append((time.monotonic(), phase))
            set_phase(phase)

        view.set_phase = record  # type: ignore[method-assign]
        self.log_path = self.tmp / "agent" / "sessions.db"
        self.log_path.parent.mkdir()
        self.start_agent()

    def start_agent(self) -> AgentProcess:
        if self.agent is not None:
            self.agent.close()
        url = self.proxy.url() if self.proxy and self.proxy_side == "agent" else self.relay.url
        self.agent = AgentProcess(url, self.log_path, self.tmp / "agent" / "agent.ini")
        return self.agent

    # --- waiting ------------------------------------------------------------------

    def until(self, what: Callable[[], object], timeout: float = WAIT) -> float:
        """Wait (spinning the citizen's Qt loop) until ``what()`` is true; returns
        time.monotonic() when it was first seen true."""
        self.qtbot.waitUntil(lambda: bool(what()), timeout=int(timeout * 1000))
        return time.monotonic()

    def agent_is(self, **want: Any) -> bool:
        assert self.agent is not None
        state = self.agent.state
        return all(state.get(k) == v for k, v in want.items())

    def citizen_ever(self, phase: str, since: float = 0.0) -> bool:
        return any(p == phase and t >= since for t, p in list(self.citizen_phases))

    # --- what was kept ------------------------------------------------------------

    def sessions(self) -> list[SessionSummary]:
        if not self.log_path.exists():
            return []
        with SessionLog(self.log_path, create=False) as log:
            return log.sessions_between(date.today(), date.today())

    def events(self, session_id: str) -> list[Event]:
        with SessionLog(self.log_path, create=False) as log:
            return log.events(session_id)

    # --- the end ------------------------------------------------------------------

    def close(self) -> None:
        steps: list[Callable[[], None]] = [
            lambda: self.agent.close() if self.agent else None,
            self._close_citizen,
            lambda: self.proxy.close() if self.proxy else None,
            self.relay.stop,
        ]
        for step in steps:
            with contextlib.suppress(Exception):
                step()
        gc.collect()  # close pynput's X connections while the server still runs

    def _close_citizen(self) -> None:
        citizen = self.citizen
        if citizen is None:
            return
        citizen.shutdown()
        citizen.view.dispose()
        listeners = citizen.devices.listeners
        if listeners is not None and not listeners.stop():
            subprocess.run(["xdotool", "mousemove", "1", "1", "key", "shift"], check=False)
            listeners.stop(5)


NAME = "Åse Ærø"  # the desktop has the Danish keyboard map: æ, ø, å have keys


def start_control(world: World, text: str = NAME) -> float:
    """Pair, let the agent see and then control, and type ``text`` into the browser's
    name field; returns time.monotonic() when the agent's screen said it controls."""
    citizen, agent, desk = world.citizen, world.agent, world.desktop
    assert citizen is not None and agent is not None
    desk.click_field("navn")  # the citizen's own click: the field has the focus
    citizen.start()
    agent.send("sign_in")
    world.until(lambda: world.agent_is(phase="ready") and citizen.view.phase == "code")
    agent.send("join", code=citizen.view.code)
    world.until(citizen.view.view_dialog.isVisible)
    citizen.view.view_dialog.yes.click()
    world.until(lambda: world.agent_is(phase="viewing", view_blank=False))
    agent.send("control")
    world.until(citizen.view.control_dialog.isVisible)
    citizen.view.control_dialog.yes.click()
    world.until(lambda: world.agent_is(phase="controlling"))
    controlling = time.monotonic()
    assert citizen.armed and citizen.gate()
    agent.send("type", text=text)
    try:
        world.until(lambda: desk.value("navn") == text)
    except Exception:  # say what the browser got and what the agent was told
        injector = citizen.router.injector
        raise AssertionError(
            f"typed {text!r}, the page has {desk.value('navn')!r}; focus on "
            f"{desk.focused_window()!r}; agent told {agent.state.get('notices')}; "
            f"injected {getattr(injector, 'injected', '?')}, "
            f"refused {getattr(injector, 'refused', '?')}"
        ) from None
    return controlling


def plain_danish(text: str) -> bool:
    """Words a citizen or an agent understands: no raw reason strings."""
    raw = ("(", ")", "_", "closed", "timeout", "connection_lost", "security")
    return bool(text.strip()) and not any(r in text for r in raw)
