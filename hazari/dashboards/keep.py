"""A page's figures rendered once per run of the refresher and kept (the "pages" cache).

The figures of a dashboard or meal page are the same for everyone who may open its unit and
change only when the refresher runs (every few seconds while phones upload). So they are
rendered once per run and kept, keyed by page, unit, query, language and day; the frame
around them (crumbs, tabs, the period form) stays each user's own (hazari.dashboards.views).

When the refresher has run since a page's figures were rendered, the viewer is not made to
wait for new ones: they are shown the kept figures, dated as they are, while one background
thread of the process renders the new ones for the next viewer. So a viewer waits for a
render only when nothing usable is kept: a page nobody opened lately, or figures more than
BEHIND_AT_MOST older than the rollups (a page opened once an hour shows the hour's figures,
never the last hour's). With Redis (REDIS_URL) the kept figures and the "being rendered" flag
are shared by every process of the site, so a page is rendered once per run, not once per
process.
"""

import datetime
import hashlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import translation

log = logging.getLogger(__name__)

PAGES = caches["pages"]
# How far behind the rollups kept figures may be and still be shown while new ones render:
# with the refresher's 5 s and its ~10 s under load, a capture is on the page within 30 s.
BEHIND_AT_MOST = datetime.timedelta(seconds=20)
# A render that has not finished by then is taken to have failed: another may start.
RENDERING_FOR_AT_MOST = 30


@dataclass(frozen=True)
class Kept:
    runs: int  # the refresher's run the figures were rendered after
    refreshed_at: datetime.datetime | None
    html: str


def key_of(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def figures(
    key: str, *, runs: int, refreshed_at: datetime.datetime | None, render: Callable[[], str]
) -> Kept:
    """The page's figures after the refresher's run `runs`, or the last ones kept while those
    are rendered behind (see the module's docstring). `render` builds and renders them."""
    kept = PAGES.get(key)
    if isinstance(kept, Kept) and kept.runs == runs:
        return kept
    if isinstance(kept, Kept) and _close_enough(kept, refreshed_at):
        # The first viewer after a run starts the render; the others, in any process, keep
        # being shown the last figures until it is done.
        if PAGES.add(f"{key}:rendering", 1, RENDERING_FOR_AT_MOST):
            if not settings.DASHBOARD_RENDER_BEHIND:
                return _render_and_keep(key, runs, refreshed_at, render)
            run_behind(_job(key, runs, refreshed_at, render))
        return kept
    # Nothing to show: render here (concurrent first viewers may each render; that is rare).
    kept = Kept(runs, refreshed_at, render())
    PAGES.set(key, kept)
    return kept


def _close_enough(kept: Kept, refreshed_at: datetime.datetime | None) -> bool:
    if kept.refreshed_at is None or refreshed_at is None:
        return False
    return refreshed_at - kept.refreshed_at <= BEHIND_AT_MOST


def _render_and_keep(
    key: str, runs: int, refreshed_at: datetime.datetime | None, render: Callable[[], str]
) -> Kept:
    try:
        kept = Kept(runs, refreshed_at, render())
        PAGES.set(key, kept)
        return kept
    finally:
        PAGES.delete(f"{key}:rendering")


def _job(
    key: str, runs: int, refreshed_at: datetime.datetime | None, render: Callable[[], str]
) -> Callable[[], None]:
    language = translation.get_language()

    def job() -> None:
        try:
            with translation.override(language):
                _render_and_keep(key, runs, refreshed_at, render)
        except Exception:
            # The viewers keep being shown the last figures; the next one starts again.
            log.exception("rendering a page's figures failed")
            PAGES.delete(f"{key}:rendering")
        finally:
            # The thread's own connections, closed after each render (a few ms to open again):
            # nothing is held open between runs, by a thread no request cycle ever tidies.
            connections.close_all()

    return job


_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def run_behind(job: Callable[[], None]) -> None:
    """Run the job on the process's one rendering thread (made on first use, so after a
    server forks its workers). Jobs queue: a render at a time leaves the other core to the
    requests."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hazari-figures")
    _executor.submit(job)
