"""Every way a session ends, on a real desktop with the real relay process and both
real apps (issue 10, items 1-4 and 6 as they show in a fault).

Each test breaks one thing - the agent app killed, the citizen client closed, the
relay killed and restarted, the citizen's or the agent's line stalled and then cut,
the citizen's line half-open - and reads back what both people see (the agent's widgets from its
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
from faultchecks import (
    both_view_only,
    citizen_end_screen,
    control_again,
    control_periods_logged,
    figure,
    new_citizen_screen,
    no_control_frame,
    one_click_new_code,
)
from faultworld import NAME, World, plain_danish, start_control

from agent_app.texts import END_REASONS

pytestmark = [pytest.mark.xvfb, pytest.mark.qt_log_ignore("This plugin does not support")]
GRACE = 4.0  # the relay's resume_grace in these tests (default 60 s)
SLACK = 1.5  # seconds of log-timing slack on a loaded machine
PING = 3.0  # the relay's ping_interval where a stall must be noticed (default 20 s)


@pytest.fixture
def make_world(desktop: Any, tmp_path: Path, qtbot: Any) -> Iterator[Any]:
    worlds: list[World] = []

    def make(**kwargs: Any) -> World:
        worlds.append(World(desktop, tmp_path, qtbot, **kwargs))
        return worlds[-1]

    yield make
    for world in worlds:
        world.close()


def test_citizen_client_exit(make_world: Any) -> None:
    world = make_world(resume_grace=GRACE)
    citizen, agent, desk = world.citizen, world.agent, world.desktop
    controlling = start_control(world)

    closed = time.monotonic()
    citizen.view.window.close()  # the citizen closes the app while the agent controls
    assert not citizen.armed and not citizen.gate()
    world.until(lambda: world.agent_is(phase="ended"))
    figure(world, "citizen_exit.agent_told_s", agent.first(phase="ended") - closed)
    state = agent.state
    assert state["view_blank"], "the citizen's screen stays in the agent's view after the end"
    told = [n for n in state["notices"] if n]
    assert told and all(plain_danish(n) for n in told), told
    assert "Borgeren" in told[-1], told
    agent.send("type", text="ZZ")  # keys into a session that is over go nowhere
    agent.send("outcome", index=1)
    agent.send("end")  # "Afslut session"
    world.until(lambda: agent.state.get("summaries") and new_citizen_screen(agent.state))
    assert desk.value("navn") == NAME

    (summary,) = world.sessions()
    events = world.events(summary.session_id)
    kinds = [e.kind for e in events]
    assert kinds[-1] == "ended" and "control_off" in kinds, kinds
    reason = str(events[-1].data.get("reason"))  # who ended it: the citizen
    assert END_REASONS.get(reason, "").startswith("Borgeren"), events[-1]
    assert summary.agent_seconds <= closed - controlling + SLACK
    world.until(lambda: summary.session_id in world.relay.stored_sessions())
    stored = world.relay.stored_sessions()[summary.session_id]
    assert stored["agent_s"] <= closed - controlling + SLACK
    (room,) = world.relay.audit("session_end")  # the room closed once, whoever left first
    assert room["reason"] in ("citizen_left", "agent_left") and room["bytes_agent_to_citizen"]


def test_agent_killed_while_in_control(make_world: Any) -> None:
    world = make_world(resume_grace=GRACE)
    citizen = world.citizen
    controlling = start_control(world)
    old_code = citizen.view.code

    killed = time.monotonic()
    world.agent.kill()  # SIGKILL: no goodbye from the agent app
    off = world.until(lambda: not citizen.armed and no_control_frame(world))
    figure(world, "agent_kill.injection_off_s", off - killed)
    assert not citizen.gate()
    ended = world.until(lambda: citizen.view.phase == "ended", timeout=GRACE + 30)
    figure(world, "agent_kill.citizen_end_s", ended - killed)
    citizen_end_screen(world)
    new_code = one_click_new_code(world, old_code)

    # The agent starts the app again: the killed session is closed with the time the
    # agent really drove, not all the time until the restart.
    agent = world.start_agent()
    agent.send("sign_in")
    world.until(lambda: new_citizen_screen(agent.state))
    (summary,) = world.sessions()
    assert summary.ended_at is not None
    assert summary.agent_seconds <= killed - controlling + SLACK, summary
    world.until(lambda: summary.session_id in world.relay.stored_sessions())
    assert world.relay.stored_sessions()[summary.session_id]["agent_s"] <= (
        killed - controlling + SLACK
    )
    (room,) = world.relay.audit("session_end")
    assert room["reason"] == "timeout"  # the relay held the room for the grace period

    # The new number works: the agent joins it and the citizen is asked.
    agent.send("join", code=new_code)
    world.until(citizen.view.view_dialog.isVisible)


def test_relay_killed_and_restarted(make_world: Any) -> None:
    world = make_world()  # the default 60 s grace: the restart, not the grace, ends it
    citizen, agent, desk = world.citizen, world.agent, world.desktop
    controlling = start_control(world)
    old_code = citizen.view.code

    killed = time.monotonic()
    world.relay.kill()
    world.relay.start()  # the operator (or systemd) starts it again at once
    off = world.until(lambda: not citizen.armed and no_control_frame(world))
    figure(world, "relay_restart.injection_off_s", off - killed)
    agent.send("type", text="QQ")  # the agent keeps typing: nothing may arrive

    # The agent's app ends the session at the loss and says so in plain words.
    world.until(lambda: any(s.ended_at for s in world.sessions()))
    lost = world.until(lambda: agent.state.get("phase") in ("ended", "signed_out", "ready"))
    figure(world, "relay_restart.agent_ended_s", lost - killed)
    (summary,) = world.sessions()
    kinds = [e.kind for e in world.events(summary.session_id)]
    assert "control_off" in kinds and kinds[-1] == "ended", kinds
    assert summary.agent_seconds <= killed - controlling + SLACK, summary
    world.until(lambda: agent.state.get("verifier") == "" and agent.state.get("view_blank"))
    assert all(plain_danish(n) for n in agent.state["notices"]), agent.state["notices"]

    # The citizen gets a fresh number, as docs/relay.md promises.
    fresh = world.until(lambda: citizen.view.phase == "code" and citizen.view.code != old_code)
    figure(world, "relay_restart.citizen_new_code_s", fresh - killed)
    assert not citizen.armed and desk.value("navn") == NAME

    # Signed in again, the agent's screen is clean for the next citizen; the session
    # reaches the restarted relay's statistics with its true driven time.
    if agent.state.get("phase") == "signed_out":
        world.until(lambda: agent.state.get("sign_in_visible"))
        agent.send("sign_in")
    world.until(lambda: new_citizen_screen(agent.state))
    assert not agent.ever(phase="ready", end_enabled=True), "stale 'Afslut session' enabled"
    world.until(lambda: summary.session_id in world.relay.stored_sessions())
    stored = world.relay.stored_sessions()[summary.session_id]
    assert stored["agent_s"] <= killed - controlling + SLACK
    agent.send("join", code=citizen.view.code)
    world.until(citizen.view.view_dialog.isVisible)


def test_link_stalls_then_is_cut(make_world: Any) -> None:
    world = make_world(proxy="citizen", ping_interval=PING, resume_grace=30.0)
    citizen, agent, desk, proxy = world.citizen, world.agent, world.desktop, world.proxy
    start_control(world)

    stalled = time.monotonic()
    proxy.stall()  # the citizen's line goes dead; no socket is closed
    moved = dict(proxy.forwarded)
    agent.send("type", text="XY")  # typed into a dead line: must never arrive
    noticed = world.until(lambda: world.agent_is(phase="reconnecting"))
    figure(world, "stall.agent_noticed_s", noticed - stalled)
    assert proxy.forwarded == moved  # not one byte crossed the stalled line
    assert agent.state["overlay"] and plain_danish(agent.state["status"])

    cut = time.monotonic()
    proxy.cut()  # now the line breaks for good (RST both ways)
    proxy.resume()  # and the next connection gets through
    off = world.until(lambda: citizen.view.phase != "controlled" and not citizen.armed)
    figure(world, "cut.citizen_noticed_s", off - cut)
    assert no_control_frame(world) and not citizen.gate()
    back = world.until(lambda: both_view_only(world))
    figure(world, "cut.both_back_view_only_s", back - cut)
    assert world.citizen_ever("reconnecting", since=cut)
    assert desk.value("navn") == NAME  # "XY" never arrived, not even after the resume
    control_again(world, "!")

    control_periods_logged(world, on=2, off=1)


def test_half_open_resume(make_world: Any) -> None:
    # The relay's default ping (20 s): it still holds the citizen's old connection when
    # the citizen comes back, and has to replace it.
    world = make_world(proxy="citizen", resume_grace=30.0)
    citizen, agent, desk, proxy = world.citizen, world.agent, world.desktop, world.proxy
    start_control(world)

    cut = time.monotonic()
    proxy.cut_client()  # the citizen's side breaks; the relay's side stays open, silent
    agree = world.until(lambda: citizen.view.phase == "sharing" and both_view_only(world))
    figure(world, "half_open.both_view_only_s", agree - cut)
    assert world.citizen_ever("reconnecting", since=cut)
    assert proxy.connections >= 2  # the resume came through the proxy, on a new connection
    # the relay never saw the old connection drop (no peer_left): it replaced it
    assert not agent.ever(phase="reconnecting")
    assert not citizen.gate() and no_control_frame(world)
    control_again(world, " igen")

    control_periods_logged(world, on=2, off=1)
    agent.send("release")
    world.until(lambda: both_view_only(world))
    assert desk.value("navn") == NAME + " igen"


def test_agent_link_stalls_then_is_cut(make_world: Any) -> None:
    world = make_world(proxy="agent", ping_interval=PING, resume_grace=GRACE)
    citizen, agent, desk, proxy = world.citizen, world.agent, world.desktop, world.proxy
    controlling = start_control(world)
    old_code = citizen.view.code

    stalled = time.monotonic()
    proxy.stall()  # the agent's line goes dead while it controls
    agent.send("type", text="XY")  # never arrives
    off = world.until(lambda: not citizen.armed and no_control_frame(world))
    figure(world, "agent_stall.citizen_injection_off_s", off - stalled)
    assert not citizen.gate()

    cut = time.monotonic()
    proxy.cut()
    proxy.resume()
    world.until(lambda: any(s.ended_at for s in world.sessions()))
    lost = world.until(lambda: agent.state.get("phase") in ("ended", "signed_out", "ready"))
    figure(world, "agent_cut.agent_ended_s", lost - cut)
    (summary,) = world.sessions()
    kinds = [e.kind for e in world.events(summary.session_id)]
    assert "control_off" in kinds and kinds[-1] == "ended", kinds
    # the agent cannot know when its line died: at most until it learnt of the loss
    assert summary.agent_seconds <= lost - controlling + SLACK, summary
    world.until(lambda: agent.state.get("verifier") == "" and agent.state.get("view_blank"))
    assert all(plain_danish(n) for n in agent.state["notices"]), agent.state["notices"]

    ended = world.until(lambda: citizen.view.phase == "ended")
    figure(world, "agent_cut.citizen_end_s", ended - cut)
    citizen_end_screen(world)
    new_code = one_click_new_code(world, old_code)
    assert desk.value("navn") == NAME

    if agent.state.get("phase") == "signed_out":
        world.until(lambda: agent.state.get("sign_in_visible"))
        agent.send("sign_in")
    world.until(lambda: new_citizen_screen(agent.state))
    agent.send("join", code=new_code)
    world.until(citizen.view.view_dialog.isVisible)
