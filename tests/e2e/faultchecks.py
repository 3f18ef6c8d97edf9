"""What the fault tests read back from both screens and both logs, and the few
steps they repeat (a new number in one click, asking for control again)."""

from __future__ import annotations

from typing import Any

from faultworld import World, plain_danish


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


def citizen_end_screen(world: World) -> None:
    """The citizen is told plainly, nothing of the session is left on screen, and one
    button gives a new number (code)."""
    assert world.citizen is not None
    view = world.citizen.view
    heading, detail, action = citizen_status(world)
    assert plain_danish(heading), heading
    assert "Forbinder igen" not in heading + detail, "still 'reconnecting' after the end"
    assert any(word in action.lower() for word in ("nummer", "kode")), (heading, action)
    assert not view.bar.isVisible() and not view.banner.isVisible() and no_control_frame(world)
    assert not world.citizen.armed and not world.citizen.gate()


def one_click_new_code(world: World, old: str) -> str:
    assert world.citizen is not None
    view = world.citizen.view
    view.window.status.action.click()
    world.until(lambda: view.phase == "code" and view.code not in ("", old))
    return view.code


def both_view_only(world: World) -> bool:
    """The citizen shares its screen without control, and the agent's screen agrees."""
    assert world.citizen is not None
    return (
        world.citizen.view.phase == "sharing"
        and not world.citizen.armed
        and world.agent_is(phase="viewing", control_enabled=True)
    )


def control_again(world: World, text: str) -> None:
    """The agent's next control request reaches the citizen, and its keys arrive."""
    assert world.citizen is not None and world.agent is not None
    before = world.desktop.value("navn")
    world.agent.send("control")
    world.until(world.citizen.view.control_dialog.isVisible)
    world.citizen.view.control_dialog.yes.click()
    world.until(lambda: world.agent_is(phase="controlling"))
    world.agent.send("type", text=text)
    world.until(lambda: world.desktop.value("navn") == before + text)


def control_periods_logged(world: World, on: int, off: int) -> None:
    """The agent's session log holds ``on`` control_on and ``off`` control_off events
    (its writes are queued on a worker thread: wait for them)."""

    def kinds() -> list[str]:
        (summary,) = world.sessions()
        return [e.kind for e in world.events(summary.session_id)]

    try:
        world.until(lambda: kinds().count("control_on") >= on, timeout=10)
    finally:
        got = kinds()
        assert (got.count("control_on"), got.count("control_off")) == (on, off), got
