"""The relay keeps each uploaded session's chain head and gives it back only to the
agent who uploaded it (``chain_heads``, docs/protocol.md §1)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from relay_helpers import clients, run, running
from test_stats_api import payloads, upload

from relay.stats import StatsStore


def test_heads_round_trip_for_the_uploading_agent_only(data_dir: Path, tmp_path: Path) -> None:
    mine = payloads(tmp_path / "a.db")
    ids = [p["session"]["session_id"] for p in mine]
    unknown = "00000000-0000-4000-8000-000000000000"

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            await upload(anna, mine)
            await anna.send(type="chain_heads", session_ids=[*ids, unknown])
            answer = await anna.expect("chain_heads")
            assert answer["heads"] == {
                ids[0]: mine[0]["chain_head"],
                ids[1]: mine[1]["chain_head"],
                unknown: None,
            }
            sara = await c.agent("sara")
            await sara.send(type="chain_heads", session_ids=ids)
            assert (await sara.expect("chain_heads"))["heads"] == dict.fromkeys(ids)

    run(body)


@pytest.mark.parametrize(
    "session_ids",
    [[], ["not-a-uuid"], ["00000000-0000-4000-8000-00000000000A"], [1], ["0" * 36] * 101],
)
def test_malformed_chain_heads_requests_are_refused(
    data_dir: Path, session_ids: list[object]
) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            await anna.send(type="chain_heads", session_ids=session_ids)
            code, _ = await anna.closed()
            assert code in (4400, 1009)

    run(body)


def test_upload_with_a_bad_head_is_rejected_and_one_without_is_stored(
    data_dir: Path, tmp_path: Path
) -> None:
    good, old = payloads(tmp_path / "a.db")
    bad = copy.deepcopy(good)
    bad["chain_head"] = "XYZ"
    del old["chain_head"]  # an agent app from before the anchor
    with StatsStore(data_dir / "stats.db") as store:
        with pytest.raises(ValueError, match="chain_head"):
            store.store_upload(bad, "anna")
        assert store.store_upload(old, "anna")
        assert store.chain_heads("anna", [old["session"]["session_id"]]) == {
            old["session"]["session_id"]: None
        }
