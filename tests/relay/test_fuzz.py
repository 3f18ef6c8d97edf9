"""Every relay input ends in a clean refusal: lone surrogates, NUL, huge numbers and
wrong types in any text path (hello, join, uploads, stats requests), and a fuzzed
parser that may only ever raise :class:`Refusal` (issue 10, finding 18)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from relay_helpers import audit_lines, clients, run, running
from test_stats import make_payload

from relay._stats_validate import check_municipality, validate_upload
from relay.messages import SCHEMAS, Refusal, decode, parse_hello, parse_message

NASTY = ["\ud800", "a\udfffb", "\x00", "x\x1b[31m", "1234", "123", "anna", "", "é" * 70]
JSON_TEXT = st.one_of(st.sampled_from(NASTY), st.text(max_size=20))
JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    JSON_TEXT,
)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["version", "role", "name", "password", "resume", "nameplate", "token", "sessions"]
TYPES = ["hello", *{t for schema in SCHEMAS.values() for t in schema}]


def _clean_text(value: object) -> bool:
    """Every string in ``value`` encodes as UTF-8 and holds no NUL."""
    if isinstance(value, str):
        value.encode("utf-8")  # raises for a lone surrogate
        return "\x00" not in value
    if isinstance(value, dict):
        return all(_clean_text(k) and _clean_text(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_clean_text(v) for v in value)
    return True


BY_TYPE: dict[type, st.SearchStrategy[Any]] = {
    str: JSON_TEXT,
    list: st.lists(st.dictionaries(JSON_TEXT, JSON_VALUE), max_size=3),
}
HELLOS = st.fixed_dictionaries(
    {"version": st.just(1), "role": st.sampled_from(["agent", "citizen"])},
    optional={"name": JSON_TEXT, "password": JSON_TEXT, "resume": JSON_TEXT},
)


def _well_typed(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Fields of the right names and JSON types for ``kind``, with nasty text."""
    if kind == "hello":
        return HELLOS
    schema = SCHEMAS["agent" if kind in SCHEMAS["agent"] else "citizen"][kind]
    return st.fixed_dictionaries({name: BY_TYPE[t] for name, t in schema.items()})


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(TYPES),
    data=st.data(),
    role=st.sampled_from(["citizen", "agent"]),
)
def test_the_parser_refuses_or_returns_clean_messages(
    kind: str, data: st.DataObject, role: str
) -> None:
    fields = data.draw(
        st.one_of(
            _well_typed(kind), st.dictionaries(st.sampled_from(FIELDS), JSON_VALUE, max_size=5)
        )
    )
    text = json.dumps({"type": kind, **fields})  # ensure_ascii: surrogates as \ud800
    try:
        msg = decode(text, 1 << 20)
        result: object = parse_hello(msg) if kind == "hello" else parse_message(msg, role)
    except Refusal as refusal:
        assert refusal.reason in ("malformed", "version", "too_large")
        return
    assert _clean_text(msg), result


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "hello", "version": 1, "role": "agent", "name": "\\ud800", "password": "x"}',
        '{"type": "hello", "version": 1, "role": "agent", "name": "a\\u0000", "password": "x"}',
        '{"type": "hello", "version": 1e999, "role": "citizen"}',
        '{"type": "hello", "version": 1, "role": "citizen", "n": 1' + "0" * 3900 + "}",
        '{"type": "hello", "version": 1, "role": "\\udfff"}',
    ],
    ids=["surrogate name", "NUL name", "infinite version", "huge number", "surrogate role"],
)
def test_a_poisoned_hello_is_refused_and_the_relay_carries_on(data_dir: Path, text: str) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            bad = await c.open()
            await bad.ws.send(text)
            assert await bad.closed() == (4400, "malformed")
            await c.pair()  # the relay is fine

    run(body)
    assert [line["outcome"] for line in audit_lines(data_dir) if line["event"] == "login"] == ["ok"]


LATER: list[dict[str, Any] | str] = [
    {"type": "join", "nameplate": "\ud800"},
    {"type": "stats_request", "from": "2024-01-01\x00", "to": "2024-01-02"},
    {"type": "stats_request", "from": "\udc80", "to": "2024-01-02"},
    {"type": "stats_upload", "sessions": [{"format": "\ud800"}]},
    {"type": "join", "nameplate": 1e308, "x": [1] * 10},
    '{"type": "stats_upload", "sessions": [{"n": 1' + "0" * 5000 + "}]}",
]


@pytest.mark.parametrize("msg", LATER, ids=[str(i) for i in range(len(LATER))])
def test_poisoned_agent_messages_are_refused(data_dir: Path, msg: dict[str, Any] | str) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            agent = await c.agent()
            await agent.ws.send(msg if isinstance(msg, str) else json.dumps(msg))
            assert await agent.closed() == (4400, "malformed")
            await c.pair()

    run(body)


@pytest.fixture(scope="module")
def valid_payload(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return make_payload(tmp_path_factory.mktemp("upload"))


def _paths(value: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_mangled_upload_raises_only_value_error(
    valid_payload: dict[str, Any], data: st.DataObject
) -> None:
    payload = copy.deepcopy(valid_payload)
    path = data.draw(st.sampled_from(_paths(payload)[1:]))
    target: Any = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(JSON_VALUE)
    for check in (
        lambda: validate_upload(payload, "anna"),
        lambda: check_municipality(payload, "Albertslund"),
    ):
        try:
            check()
        except ValueError:
            pass


def test_an_upload_for_another_municipality_is_rejected(valid_payload: dict[str, Any]) -> None:
    check_municipality(valid_payload, "Albertslund")
    for other in ("../../etc/passwd", "Ballerup", None):
        forged = copy.deepcopy(valid_payload)
        forged["session"]["agent_municipality"] = other
        with pytest.raises(ValueError, match="account's municipality"):
            check_municipality(forged, "Albertslund")
    path = copy.deepcopy(valid_payload)
    path["session"]["citizen_municipality"] = "../../etc/passwd"
    with pytest.raises(ValueError, match="not a municipality name"):
        validate_upload(path, "anna")
