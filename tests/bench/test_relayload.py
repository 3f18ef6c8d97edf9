"""bench/relayload.py stays runnable: a few pairs for a second through a real relay
process.  No timing is asserted (the machine may be loaded); only that every frame
path works (the agents received the citizens' bytes) and every figure comes out."""

from __future__ import annotations

import argparse
import math
import os

import pytest

from bench import rawws, relayload


def test_cpu_seconds_counts_this_process_work() -> None:
    before = relayload.cpu_seconds(os.getpid())
    deadline = relayload.time.process_time() + 0.05
    while relayload.time.process_time() < deadline:
        pass
    assert relayload.cpu_seconds(os.getpid()) > before


def test_the_raw_client_frames_as_websockets_parses_them() -> None:
    from websockets.frames import Frame
    from websockets.streams import StreamReader

    for size in (0, 125, 126, 65535, 65536):
        payload = os.urandom(size)
        reader = StreamReader()
        reader.feed_data(rawws.frame_header(2, size) + payload)
        parser = Frame.parse(reader.read_exact, mask=True)
        with pytest.raises(StopIteration) as done:
            next(parser)
        assert done.value.value.data == payload and done.value.value.fin


def test_percentile_picks_from_the_sorted_values() -> None:
    values = [float(n) for n in range(100, 0, -1)]
    assert relayload.percentile(values, 50) == 51.0
    assert relayload.percentile(values, 99) == 100.0
    assert math.isnan(relayload.percentile([], 99))


@pytest.mark.timeout(180)
def test_a_short_run_forwards_frames_and_reports_every_figure() -> None:
    args = argparse.Namespace(seconds=1.5, warmup=0.5, rate=50e3, procs=2)
    row = relayload.run(3, args)
    assert row["sessions"] == 3
    assert row["frames_per_s"] > 0 and row["kB_per_s_per_session"] > 10
    assert row["relay_cpu"] >= 0 and len(row["relay_cpus"]) == 1  # ticks of 10 ms: may be 0
    assert 0 < row["acks_per_frame"] <= 1  # the agents' lazy acks came back
    assert 0 < row["p50"] <= row["p99"]
    assert relayload.verdict(row).split()[0] in ("PASS", "FAIL")
