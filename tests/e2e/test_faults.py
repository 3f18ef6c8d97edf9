"""Every way a session ends, on a real desktop with the real relay process and both
real apps (issue 10, items 1-4 and 6).

Each test breaks one thing - the agent app killed, the citizen client closed, the
relay killed and restarted, the citizen's link stalled and cut, the citizen's link
half-open - and reads back what both people see (the agent's widgets from its
process, the citizen's from its window), that the agent's keys stop reaching the
citizen's browser, and what the agent's session log and the relay's audit log and
statistics hold afterwards.  The figures each printed are in docs/reliability.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faultworld import World, plain_danish, start_control

pytestmark = [pytest.mark.xvfb, pytest.mark.qt_log_ignore("This plugin does not support")]
GRACE = 4.0  # the relay's resume_grace in these tests (default 60 s)
SLACK = 1.5  # seconds of log-timing slack on a loaded machine


@pytest.fixture
def make_world(desktop: Any, tmp_path: Path, qtbot: Any) -> Iterator[Any]:
    worlds: list[World] = []

    def make(**kwargs: Any) -> World:
        worlds.append(World(desktop, tmp_path, qtbot, **kwargs))
        return worlds[-1]

    yield make
    for world in worlds:
        world.close()


def figure(world: World, name: str, value: float) -> None:
    world.figures[name] = round(value, 2)
    print(f"FIGURE {name} = {value:.2f}")


def no_control_frame(world: World) -> bool:
    assert world.citizen is not None
    return not any(edge.isVisible() for edge in world.citizen.view.frame.edges)


def citizen_status(world: World) -> tuple[str, str, str]:
    assert world.citizen is not None
    page = world.citizen.view.window.status
    action = page.action.text() if page.action.isVisible() else ""
    return page.heading.text(), page.detail.text(), action


def new_citizen_screen(state: dict[str, Any]) -> bool:
    """The agent's screen is clean for the next citizen: the code page, no check number,
    nothing of the last citizen's screen, nothing to end."""
    return (
        state.get("phase") == "ready"
        and state.get("page") == "code"
        and state.get("verifier") == ""
        and state.get("view_blank") is True
        and state.get("end_enabled") is False
        and state.get("end_button") is False
    )


def test_citizen_client_exit(make_world: Any) -> None:
    world = make_world(resume_grace=GRACE)
    citizen, agent, desk = world.citizen, world.agent, world.desktop
    controlling = start_control(world)

    closed = time.monotonic()
    citizen.view.window.close()  # the citizen closes the app while the agent controls
    assert not citizen.armed and not citizen.gate()
    told_at = world.until(lambda: world.agent_is(phase="ended"))
    figure(world, "citizen_exit.agent_told_s", told_at - closed)
    state = agent.state
    told = [n for n in state["notices"] if n]
    assert told and all(plain_danish(n) for n in told), told
    assert "Borgeren" in told[-1], told
    assert state["view_blank"], "the citizen's screen stays in the agent's view after the end"
    agent.send("type", text="ZZ")  # keys into a session that is over go nowhere
    agent.send("outcome", index=1)
    agent.send("end")  # "Afslut session"
    world.until(lambda: agent.state.get("summaries") and new_citizen_screen(agent.state))
    assert desk.value("navn") == "Anna æøå"

    (summary,) = world.sessions()
    kinds = [e.kind for e in world.events(summary.session_id)]
    assert kinds[-1] == "ended" and "control_off" in kinds
    assert summary.ended_at is not None
    assert summary.agent_seconds <= closed - controlling + SLACK
    world.until(lambda: summary.session_id in world.relay.stored_sessions())
    stored = world.relay.stored_sessions()[summary.session_id]
    assert stored["agent_s"] <= closed - controlling + SLACK
    (room,) = world.relay.audit("session_end")
    assert room["reason"] == "citizen_left"
