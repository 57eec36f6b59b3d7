"""Kept figures (hazari.dashboards.keep): rendered once per run of the refresher, shown while
new ones render behind, never going back to older ones, and never more than a little behind
the rollups."""

import datetime
import re
import threading

import pytest
from django.db import connections

from hazari.dashboards import keep, refresh, selectors
from hazari.dashboards.models import RefreshState
from hazari.dashboards.tests import scenario
from hazari.dashboards.tests.conftest import NOW
from hazari.imports.tests.helpers import logged_in

T0 = datetime.datetime(2026, 7, 15, 9, 30, tzinfo=datetime.UTC)


class Renders:
    """A page's renders: each returns the next numbered figures."""

    def __init__(self, name: str = "figures") -> None:
        self.name, self.count = name, 0

    def __call__(self) -> str:
        self.count += 1
        return f"{self.name} {self.count}"


class Refresher:
    """The refresher's runs as the pages read them (RefreshState), `seconds` apart."""

    def __init__(self) -> None:
        self.runs, self.at = 0, T0

    def run(self, seconds: float = 5) -> None:
        self.runs += 1
        self.at += datetime.timedelta(seconds=seconds)
        RefreshState.objects.update_or_create(
            pk=1, defaults={"runs": self.runs, "refreshed_at": self.at}
        )

    def figures(self, render, key: str = "k", runs: int | None = None) -> keep.Kept:
        """What a request that read the current run (or `runs`) is shown."""
        return keep.figures(
            key, runs=self.runs if runs is None else runs, refreshed_at=self.at, render=render
        )


@pytest.fixture
def refresher(db):
    found = Refresher()
    found.run()
    return found


@pytest.fixture
def behind(settings, monkeypatch):
    """Render behind, with the jobs held here instead of run on the thread."""
    settings.DASHBOARD_RENDER_BEHIND = True
    jobs: list = []
    monkeypatch.setattr(keep, "run_behind", jobs.append)
    return jobs


def test_rendered_once_per_run(refresher, behind):
    render = Renders()
    for _ in range(3):
        assert refresher.figures(render).html == "figures 1"
    assert render.count == 1 and behind == []


def test_after_a_run_the_last_figures_are_shown_while_new_ones_render_behind(refresher, behind):
    render = Renders()
    refresher.figures(render)
    first_at = refresher.at
    refresher.run()
    # The first viewer after the run starts one render and is shown the last figures; so is
    # the next, without starting another.
    for _ in range(2):
        shown = refresher.figures(render)
        assert (shown.html, shown.refreshed_at) == ("figures 1", first_at)
    assert len(behind) == 1 and render.count == 1
    behind.pop()()
    shown = refresher.figures(render)
    assert (shown.html, shown.runs, shown.refreshed_at) == ("figures 2", 2, refresher.at)
    assert behind == []


def test_figures_a_few_seconds_behind_are_not_rendered_again(refresher, behind, settings):
    """While phones upload every run changes the figures a little: they are rendered again
    once DASHBOARD_RENDER_EVERY behind, not after every run."""
    settings.DASHBOARD_RENDER_EVERY = 10
    render = Renders()
    refresher.figures(render)
    refresher.run(seconds=5)
    assert refresher.figures(render).html == "figures 1" and behind == []
    refresher.run(seconds=5)
    assert refresher.figures(render).html == "figures 1" and len(behind) == 1
    behind.pop()()
    assert refresher.figures(render).html == "figures 2"


def test_figures_too_far_behind_are_rendered_at_once(refresher, behind):
    render = Renders()
    refresher.figures(render)
    refresher.run()
    refresher.run(seconds=keep.BEHIND_AT_MOST.total_seconds())  # two runs and over 20 s behind
    shown = refresher.figures(render)
    assert (shown.html, shown.refreshed_at) == ("figures 2", refresher.at)
    assert behind == []


def test_one_run_behind_is_shown_for_up_to_a_minute(refresher, behind):
    """At peak a run takes longer; figures one run behind are still shown while new ones
    render, unless the run came more than a minute later."""
    render = Renders()
    refresher.figures(render)
    refresher.run(seconds=45)
    assert refresher.figures(render).html == "figures 1" and len(behind) == 1
    behind.pop()()
    refresher.run(seconds=61)
    assert refresher.figures(render).html == "figures 3" and behind == []


def test_never_back_to_older_figures(refresher, behind):
    """A request that read run 1 just before another process kept run 2's figures is shown
    run 2's, and starts no render; a render that waited in the queue while newer figures
    were kept does not replace them."""
    render = Renders()
    refresher.figures(render)
    refresher.run()
    refresher.figures(render)
    waiting = behind.pop()  # rendering run 2, not yet run
    refresher.run()
    refresher.run(seconds=30)
    newest = refresher.figures(render)  # too far behind: rendered at once, run 4
    assert (newest.html, newest.runs) == ("figures 2", 4)
    assert refresher.figures(render, runs=3).html == "figures 2" and behind == []
    RefreshState.objects.update(runs=3)  # as if the waiting job read an older run
    selectors.REFRESHED.clear()
    waiting()
    kept = keep.PAGES.get("k")
    assert (kept.runs, kept.html) == (4, "figures 2") and render.count == 3


def test_a_failed_render_behind_keeps_the_last_figures_and_is_tried_again(
    refresher, behind, caplog
):
    refresher.figures(Renders())
    refresher.run()

    def broken() -> str:
        raise RuntimeError("the database went away")

    assert refresher.figures(broken).html == "figures 1"
    behind.pop()()
    assert "rendering a page's figures failed" in caplog.text
    # The flag is gone: the next viewer starts a render again, which keeps its figures.
    assert refresher.figures(Renders("again")).html == "figures 1"
    behind.pop()()
    assert refresher.figures(Renders("never")).html == "again 1"


def test_without_rendering_behind_the_viewer_renders_the_new_figures(refresher, settings):
    settings.DASHBOARD_RENDER_BEHIND = False
    render = Renders()
    refresher.figures(render)
    refresher.run()
    assert refresher.figures(render).html == "figures 2"


def wait_for(condition, seconds: float = 10) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        threading.Event().wait(0.05)
    return False


@pytest.mark.django_db(transaction=True)  # the thread reads what the test wrote
def test_the_render_behind_runs_on_the_processes_thread_and_closes_its_connection(
    refresher, settings
):
    settings.DASHBOARD_RENDER_BEHIND = True
    seen: list = []

    def render() -> str:
        RefreshState.objects.count()  # the thread opens its own connection
        seen.append((threading.current_thread().name, connections["default"]))
        return "new"

    refresher.figures(lambda: "old")
    refresher.run()
    assert refresher.figures(render).html == "old"
    assert wait_for(lambda: getattr(keep.PAGES.get("k"), "html", "") == "new")
    name, used = seen[0]
    assert name.startswith("hazari-figures") and used is not connections["default"]
    if connection_closes(used):
        assert wait_for(lambda: used.connection is None)  # closed after the render


def connection_closes(wrapper) -> bool:
    # SQLite's in-memory test database is never closed (it would vanish): PostgreSQL's is.
    return not (wrapper.vendor == "sqlite" and wrapper.is_in_memory_db())


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_behind_reads_the_database_on_its_own_thread(dash, clock, settings):
    """End to end: after the refresher counts a new capture, the state's page is shown with
    the last figures, and a moment later with the new ones, rendered by the thread with its
    own database connection (committed data: this test's transactions are real), in the
    viewer's language."""
    settings.DASHBOARD_RENDER_BEHIND = True
    client = logged_in(dash.sunita)
    client.cookies["django_language"] = "en"
    url = f"/dashboard/units/{dash.state.pk}/?period=day&date=2026-07-15"

    def figures() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode().split('data-testid="summary"')[1]

    def reported(html: str) -> int:
        found = re.search(r"(\d+) of \d+ school-days reported", html)
        assert found is not None
        return int(found.group(1))

    before = figures()
    scenario.send(dash, scenario.Send(1, 9, 0.9, 20, 0, False, "PP"))  # B reports today
    refresh.refresh(now=NOW)
    assert figures() == before
    assert wait_for(lambda: figures() != before)
    after = figures()
    # In English, as the viewer asked (the thread renders in the request's language).
    assert reported(after) == reported(before) + 1
