import pytest

from hazari.lib import loop


def test_a_pause_sleeps_in_quarters_and_ends_when_told_to_stop(monkeypatch):
    naps: list[float] = []
    monkeypatch.setattr(loop.time, "sleep", naps.append)
    loop.pause(1.1, lambda: False)
    assert naps == pytest.approx([0.25, 0.25, 0.25, 0.25, 0.1])
    naps.clear()
    loop.pause(5, lambda: len(naps) >= 2)  # SIGTERM arrived during the second nap
    assert naps == [0.25, 0.25]
