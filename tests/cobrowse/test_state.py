import pytest

from cobrowse.errors import ProtocolError
from cobrowse.session import events as ev
from cobrowse.session.state import DROP, TABLE, State, StateMachine

INPUTS = [
    ev.PointerMove(1, 1),
    ev.PointerButton(1, 1, "left", True),
    ev.Wheel(0, 0, 0, 1),
    ev.Key("a", "a", True),
]


def machine_in(state: State) -> StateMachine:
    m = StateMachine()
    m.state = state
    return m


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("msg", INPUTS, ids=lambda m: type(m).__name__)
def test_input_is_acted_on_only_while_controlling(state: State, msg: ev.Message) -> None:
    m = machine_in(state)
    if state is State.CONTROLLING:
        assert m.apply(msg) is True
    elif state in (State.VIEWING, State.PAUSED):
        assert m.apply(msg) is False and m.dropped == 1  # a race, never acted on
    else:
        with pytest.raises(ProtocolError):
            m.apply(msg)


def test_view_needs_grant_and_control_a_second_one() -> None:
    m = machine_in(State.PAIRED)
    with pytest.raises(ProtocolError):
        m.apply(ev.ConsentGrant("control"))
    m.apply(ev.ConsentGrant("view"))
    assert m.state is State.VIEWING
    m.apply(ev.ConsentGrant("control"))
    assert m.state is State.CONTROLLING


def test_disconnect_falls_back_to_view_only() -> None:
    m = machine_in(State.CONTROLLING)
    m.apply("disconnected")
    assert m.state is State.VIEWING


def test_pause_ends_control_and_resume_does_not_restore_it() -> None:
    m = machine_in(State.CONTROLLING)
    m.apply(ev.PrivacyPause())
    m.apply(ev.PrivacyResume())
    assert m.state is State.VIEWING


def test_nothing_after_end() -> None:
    m = machine_in(State.ENDED)
    for msg in (ev.Ping(1), ev.End("x"), ev.ConsentGrant("view")):
        with pytest.raises(ProtocolError):
            m.apply(msg)


def test_table_targets_are_states_or_drop() -> None:
    assert all(isinstance(v, State) or v is DROP for v in TABLE.values())
    assert not any(s is State.ENDED for s, _ in TABLE)  # ended is final
