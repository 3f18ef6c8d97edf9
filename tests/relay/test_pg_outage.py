"""PostgreSQL going away and coming back: the relay answers ``unavailable``, keeps
serving, and reconnects by itself - nothing is lost or stored half."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pgcluster import Cluster, fresh_database
from relay_helpers import run
from test_stats import make_payload

from relay.accounts import Account
from relay.audit import AuditLog
from relay.stats import StatsStore
from relay.statsapi import StatsService

BO = Account("bo", "Bo", "Albertslund", "supervisor", False, "2024-01-01T00:00:00Z")
IDA = Account("ida", "Ida", "Ballerup", "admin", False, "2024-01-01T00:00:00Z")
ANNA = Account("anna", "Anna", "Albertslund", "agent", False, "2024-01-01T00:00:00Z")
MARCH = (date(2024, 3, 1), date(2024, 3, 31))


def test_a_database_outage_is_reported_and_survived(
    postgres_cluster: Cluster, tmp_path: Path
) -> None:
    first, second = make_payload(tmp_path / "a"), make_payload(tmp_path / "b")

    async def body(store: StatsStore) -> None:
        service = StatsService(store, AuditLog(tmp_path / "audit.jsonl"))
        assert (await service.upload(ANNA, [first]))["session_ids"]
        postgres_cluster.pause()
        try:
            assert (await service.report(BO, *MARCH))["reason"] == "unavailable"
            assert (await service.contacts(IDA, *MARCH, None))["reason"] == "unavailable"
            answer = await service.upload(ANNA, [second])
            assert answer["rejected"][0]["reason"] == "unavailable"
        finally:
            postgres_cluster.resume()
        assert (await service.report(BO, *MARCH))["report"]["contacts"] == 1
        assert (await service.upload(ANNA, [second]))["session_ids"]
        assert (await service.contacts(IDA, *MARCH, None))["total"] == 2

    (tmp_path / "a").mkdir(exist_ok=True)
    with fresh_database(postgres_cluster) as url, StatsStore(url) as store:
        run(lambda: body(store), timeout=90)
