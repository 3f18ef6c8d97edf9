"""A man in the middle who knows the code grinds the 4-digit verifier (issue 10, item 13).

The MITM sits between citizen and agent and runs one pairing with each.  Its leg to
one side gives a verifier V; on its other leg it tries ephemeral key after key until
that leg's verifier is V as well - then both screens show the same four digits and
reading them aloud proves nothing.  Before the commitment this worked against the
agent in ~10**4 tries (``pake_grind.grind`` found a match after 1,821 tries with the
seeds below).  Now the citizen commits to its SPAKE2 message before the agent sends
its own and reveals it only afterwards, so on either leg the MITM's message is fixed
before it learns the honest side's.

Cost: ``pake_grind`` makes each try two point additions instead of two scalar
multiplications (see its docstring); the expensive scalar multiplications run once,
the 3 x 10**4 tries per test are the step a real attacker would grind, with real
keys (``test_candidates_are_real_spake2_keys`` checks one against the library).
"""

import random
from collections.abc import Callable

from pake_grind import candidates, grind, matching, message

from cobrowse.session import crypto as cr
from cobrowse.session import events as ev
from cobrowse.session.codes import SessionCode
from cobrowse.session.protocol import COMMIT, CONFIRM, PAKE, Session, pump

CODE = SessionCode("0042", "123456")
TRIES = 30_000  # 3 x 10**4 keys per grind: ~3 matches expected by chance alone
CHANCE_BOUND = 12  # Poisson(3): P(>= 13 matches) ~ 1e-5; the seeds are fixed anyway


def rng(seed: int) -> Callable[[int], bytes]:
    r = random.Random(seed)
    return lambda n: r.randbytes(n)


def paired_verifier(citizen: Session, agent: Session) -> str:
    """Run an honest pairing between the two and return the citizen's verifier."""
    citizen.start()
    agent.start()
    pump(citizen, agent)
    paired = [e for e in citizen.events_received() if isinstance(e, ev.Paired)]
    return paired[0].verifier


def kinds(events: list[object]) -> list[type]:
    return [type(e) for e in events]


def test_candidates_are_real_spake2_keys() -> None:
    agent = cr.Pairing("agent", CODE, rng(7))
    cand = next(candidates(CODE, "citizen", agent.outbound, 12345))
    key, _ = agent.finish(cand.message)
    assert key == cand.key and cand.message == message(CODE, "citizen", 12345)


def test_grinding_against_a_visible_message_finds_the_verifier() -> None:
    """Why the commitment is needed: with the peer's message in hand, ~10**4 tries
    find a key whose verifier is any four digits the attacker wants."""
    agent = cr.Pairing("agent", CODE, rng(8))
    found, tries = grind(CODE, "citizen", agent.outbound, "2718", start=99, tries=10 * TRIES)
    assert found is not None, f"no match in {tries} tries"
    key, _ = agent.finish(found.message)
    assert cr.verifier(key) == "2718"


def test_agent_sends_nothing_before_the_citizens_commitment() -> None:
    agent = Session("agent", CODE, entropy=rng(3))
    agent.start()
    assert agent.next_outgoing() is None
    citizen = Session("citizen", CODE, entropy=rng(4))
    citizen.start()
    first = citizen.next_outgoing()
    assert first is not None and first[0] == COMMIT and len(first) == 1 + cr.COMMIT_SIZE
    assert citizen.next_outgoing() is None  # the PAKE message itself waits


def test_mitm_posing_as_citizen_cannot_grind_the_agents_verifier() -> None:
    """The MITM must commit to its citizen-side message before the agent sends its
    own; grinding afterwards finds matches, but the agent refuses any of them."""
    target = paired_verifier(
        Session("citizen", CODE, entropy=rng(10)), Session("agent", CODE, entropy=rng(11))
    )
    agent = Session("agent", CODE, entropy=rng(12))
    agent.start()
    assert agent.next_outgoing() is None  # nothing to grind against yet
    committed = message(CODE, "citizen", 5)
    agent.receive_data(bytes([COMMIT]) + cr.commitment("citizen", CODE.nameplate, committed))
    agents = agent.next_outgoing()
    assert agents is not None and agents[0] == PAKE
    ground = matching(CODE, "citizen", agents[1:], target, start=5, tries=TRIES)
    assert 1 <= len(ground) <= CHANCE_BOUND  # the grinding loop works ...
    assert ground[0].scalar != 5  # ... but not on the message it committed to
    agent.receive_data(bytes([PAKE]) + ground[0].message)
    events = agent.events_received()
    assert ev.Paired not in kinds(events)
    assert events[-1] == ev.SessionEnded(
        "security", False, "pairing message does not match its commitment"
    )


def test_mitm_posing_as_citizen_gets_a_match_only_by_chance() -> None:
    """Revealing what it committed to, the MITM faces a fresh agent message each time:
    over 3 x 10**4 agent keys its verifier matches about as often as chance says."""
    committed = message(CODE, "citizen", 5)
    honest = matching(CODE, "agent", committed, "4711", start=777, tries=TRIES)
    assert len(honest) <= CHANCE_BOUND
    agent = Session("agent", CODE, entropy=rng(12))
    agent.start()
    agent.receive_data(bytes([COMMIT]) + cr.commitment("citizen", CODE.nameplate, committed))
    agents = agent.next_outgoing()
    assert agents is not None
    mine = next(candidates(CODE, "citizen", agents[1:], 5))
    agent.receive_data(bytes([PAKE]) + committed)
    transcript = cr.hashlib.sha256(committed + agents[1:]).digest()
    agent.receive_data(bytes([CONFIRM]) + cr.confirm_tag(mine.key, "citizen", transcript))
    paired = [e for e in agent.events_received() if isinstance(e, ev.Paired)]
    assert paired == [ev.Paired(mine.verifier)]  # it pairs, with the verifier it was dealt


def test_mitm_posing_as_agent_cannot_grind_the_citizens_verifier() -> None:
    """The citizen reveals only after the MITM's agent-side message is in: the MITM can
    grind afterwards, but a second message is refused and the session ends."""
    target = paired_verifier(
        Session("citizen", CODE, entropy=rng(20)), Session("agent", CODE, entropy=rng(21))
    )
    citizen = Session("citizen", CODE, entropy=rng(22))
    citizen.start()
    commit = citizen.next_outgoing()
    assert commit is not None and commit[0] == COMMIT
    sent = message(CODE, "agent", 9)
    citizen.receive_data(bytes([PAKE]) + sent)
    reveal, confirm = citizen.next_outgoing(), citizen.next_outgoing()
    assert (
        reveal is not None and reveal[0] == PAKE and confirm is not None and confirm[0] == CONFIRM
    )
    assert cr.commitment("citizen", CODE.nameplate, reveal[1:]) == commit[1:]
    ground = matching(CODE, "agent", reveal[1:], target, start=9, tries=TRIES)
    assert 1 <= len(ground) <= CHANCE_BOUND and ground[0].scalar != 9
    citizen.receive_data(bytes([PAKE]) + ground[0].message)
    events = citizen.events_received()
    assert ev.Paired not in kinds(events)
    assert events[-1].reason == "security"  # type: ignore[attr-defined]
