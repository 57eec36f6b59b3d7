"""The pause between runs of a `--loop` command (refresh_dashboards, refresh_absence)."""

import time
from collections.abc import Callable


def pause(seconds: float, stopping: Callable[[], bool]) -> None:
    """Sleep `seconds`, a quarter second at a time, so that a SIGTERM ends the wait at once."""
    slept = 0.0
    while slept < seconds and not stopping():
        time.sleep(min(0.25, seconds - slept))
        slept += 0.25
