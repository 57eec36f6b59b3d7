"""A page's figures rendered once per run of the refresher and kept (the "pages" cache).

The figures of a dashboard or meal page (with the tabs and the period form above them) are
the same for everyone who may open its unit and change only when the refresher runs (every
few seconds while phones upload). So they are rendered once per run and kept, keyed by page,
unit, query, language and day; the frame around them (the page header, crumbs, the
freshness line) stays each user's own (hazari.dashboards.views).

Figures less than DASHBOARD_RENDER_EVERY (10 s) behind the rollups are shown as they are.
When the refresher has run since a page's figures were rendered, the viewer is not made to
wait for new ones: they are shown the kept figures, dated as they are, while one background
thread of the process renders the new ones for the next viewer. So a viewer waits for a
render only when nothing usable is kept: a page nobody opened lately, or figures more than
BEHIND_AT_MOST older than the rollups (a minute when they are just one run behind). A page
opened once an hour shows the hour's figures, never the last hour's. With Redis (REDIS_URL)
the kept figures and the "being rendered" flag are shared by every process of the site, so a
page is rendered once per run, not once per process.
"""

import datetime
import hashlib
import logging
import sys
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import translation

from hazari.dashboards import selectors

log = logging.getLogger(__name__)

PAGES = caches["pages"]
# How far behind the rollups kept figures may be and still be shown while new ones render.
# One run behind is always close enough unless it is more than a minute behind (the
# refresher's runs take longer at peak, and it sleeps 5 s between them).
BEHIND_AT_MOST = datetime.timedelta(seconds=20)
ONE_RUN_BEHIND_AT_MOST = datetime.timedelta(minutes=1)
# A render that has not finished by then is taken to have failed: another may start.
RENDERING_FOR_AT_MOST = 30


Html = TypeVar("Html")  # what a page keeps: its figures' HTML, in one piece or several


@dataclass(frozen=True)
class Kept(Generic[Html]):
    runs: int  # the refresher's run the figures were rendered after
    refreshed_at: datetime.datetime | None
    html: Html


def key_of(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def figures(
    key: str,
    *,
    runs: int,
    refreshed_at: datetime.datetime | None,
    render: Callable[[], Html],
) -> Kept[Html]:
    """The page's figures after the refresher's run `runs` (what the request read), or the
    last ones kept while those are rendered behind (see the module's docstring). `render`
    builds and renders them."""
    kept = PAGES.get(key)
    if not isinstance(kept, Kept):
        kept = None
    if kept is not None and kept.runs >= runs:
        # This run's, or a later one's: another process rendered after the next run between
        # this request reading the run and reading the cache. Never go back to older ones.
        return kept
    if kept is not None and _close_enough(kept, runs, refreshed_at):
        if _recent(kept, refreshed_at):
            return kept
        # The first viewer after a run starts the render; the others, in any process, keep
        # being shown the last figures until it is done.
        token = uuid.uuid4().hex
        if PAGES.add(_flag(key), token, RENDERING_FOR_AT_MOST):
            if not settings.DASHBOARD_RENDER_BEHIND:
                return _render_and_keep(key, token, render)
            try:
                run_behind(_job(key, token, render))
            except RuntimeError:  # the process is shutting down: no more threads
                PAGES.delete(_flag(key))
        return kept
    # Nothing to show: render here (concurrent first viewers may each render; that is rare).
    return _render_and_keep(key, None, render)


def _flag(key: str) -> str:
    return f"{key}:rendering"


def _close_enough(kept: Kept[Html], runs: int, refreshed_at: datetime.datetime | None) -> bool:
    if kept.refreshed_at is None or refreshed_at is None:
        return False
    behind = refreshed_at - kept.refreshed_at
    return behind <= BEHIND_AT_MOST or (kept.runs == runs - 1 and behind <= ONE_RUN_BEHIND_AT_MOST)


def _recent(kept: Kept[Html], refreshed_at: datetime.datetime | None) -> bool:
    """Figures from less than DASHBOARD_RENDER_EVERY before the last run are shown as they
    are: while phones upload, every 5 s run changes every page's figures a little, and
    rendering each viewed page after each run would take a core's share from the requests."""
    every = datetime.timedelta(seconds=settings.DASHBOARD_RENDER_EVERY)
    return (
        kept.refreshed_at is not None
        and refreshed_at is not None
        and (refreshed_at - kept.refreshed_at < every)
    )


def _render_and_keep(key: str, token: str | None, render: Callable[[], Html]) -> Kept[Html]:
    """Render the figures and keep them, dated with the refresher's run read just before
    (the figures are that run's or newer), unless newer ones were kept meanwhile (a render
    that waited in the queue). The flag is let go only if it is still this render's."""
    try:
        refreshed_at, runs = selectors.refreshed()
        html = render()
        kept = PAGES.get(key)
        if isinstance(kept, Kept) and kept.runs > runs:
            return kept
        kept = Kept(runs, refreshed_at, html)
        PAGES.set(key, kept)
        return kept
    finally:
        if token is not None and PAGES.get(_flag(key)) == token:
            PAGES.delete(_flag(key))


def _job(key: str, token: str, render: Callable[[], Html]) -> Callable[[], None]:
    language = translation.get_language()

    def job() -> None:
        try:
            with translation.override(language):
                _render_and_keep(key, token, render)
        except Exception:
            # The viewers keep being shown the last figures; the next one starts again.
            log.exception("rendering a page's figures failed")

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
            # A render is pure Python; a request thread of the process that comes back from
            # the database waits for the interpreter lock until the render thread lets go,
            # by default up to 5 ms, once per query. 1 ms keeps that wait small.
            sys.setswitchinterval(0.001)
    _executor.submit(_on_the_thread, job)


def _on_the_thread(job: Callable[[], None]) -> None:
    try:
        job()
    finally:
        # The thread's own connections, closed after each render (a few ms to open again):
        # nothing is held open between runs, by a thread no request cycle ever tidies.
        connections.close_all()
