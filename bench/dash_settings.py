"""Settings for the dashboards' benchmark: the application's, with the Server-Timing
middleware first (bench/dash_timing.py)."""

from hazari.settings import *  # noqa: F403

MIDDLEWARE = ["dash_timing.ServerTiming", *MIDDLEWARE]  # noqa: F405
