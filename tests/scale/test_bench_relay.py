"""bench/relay.py's latency matching: a page's frame is matched to the nearest arrival of the same
bytes at the direct reader (the program loops, so the same frame recurs every loop), only frames
received inside the window count, and a frame the direct reader never saw is unmatched."""

from types import SimpleNamespace

from bench.relay import delays_ms


def test_frames_are_matched_to_the_nearest_direct_arrival_of_the_same_bytes():
    direct = SimpleNamespace(arrivals={b"a": [10.0, 30.0], b"b": [10.04, 30.04]})
    page = SimpleNamespace(arrivals={b"a": [30.012], b"b": [10.055, 30.05], b"x": [30.2]})
    delays, frames = delays_ms(direct, page, t0=20.0, t1=40.0)
    assert frames == 3  # b@10.055 is before the window
    assert sorted(round(d, 1) for d in delays) == [10.0, 12.0]  # x was never at the ingest: unmatched
