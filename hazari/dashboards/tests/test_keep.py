"""Kept figures (hazari.dashboards.keep): rendered once per run of the refresher, shown while
new ones render behind, never more than BEHIND_AT_MOST older than the rollups."""

import datetime
import threading

import pytest

from hazari.dashboards import keep, refresh
from hazari.dashboards.tests import scenario
from hazari.dashboards.tests.conftest import NOW
from hazari.imports.tests.helpers import logged_in

T0 = datetime.datetime(2026, 7, 15, 9, 30, tzinfo=datetime.UTC)


class Renders:
    """A page's renders: each returns the next numbered figures."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"figures {self.count}"


@pytest.fixture
def behind(db, settings, monkeypatch):
    """Render behind, with the jobs held here instead of run on the thread."""
    settings.DASHBOARD_RENDER_BEHIND = True
    jobs: list = []
    monkeypatch.setattr(keep, "run_behind", jobs.append)
    return jobs


def test_rendered_once_per_run(behind):
    render = Renders()
    for _ in range(3):
        assert keep.figures("k", runs=1, refreshed_at=T0, render=render).html == "figures 1"
    assert render.count == 1 and behind == []


def test_after_a_run_the_last_figures_are_shown_while_new_ones_render_behind(behind):
    render = Renders()
    keep.figures("k", runs=1, refreshed_at=T0, render=render)
    later = T0 + datetime.timedelta(seconds=5)
    # The first viewer after the run starts one render and is shown the last figures; so is
    # the next, without starting another.
    for _ in range(2):
        shown = keep.figures("k", runs=2, refreshed_at=later, render=render)
        assert (shown.html, shown.refreshed_at) == ("figures 1", T0)
    assert len(behind) == 1 and render.count == 1
    behind.pop()()
    shown = keep.figures("k", runs=2, refreshed_at=later, render=render)
    assert (shown.html, shown.refreshed_at) == ("figures 2", later)
    assert behind == []


def test_figures_too_far_behind_are_rendered_at_once(behind):
    render = Renders()
    keep.figures("k", runs=1, refreshed_at=T0, render=render)
    much_later = T0 + keep.BEHIND_AT_MOST + datetime.timedelta(seconds=1)
    shown = keep.figures("k", runs=9, refreshed_at=much_later, render=render)
    assert (shown.html, shown.refreshed_at) == ("figures 2", much_later)
    assert behind == []


def test_a_failed_render_behind_keeps_the_last_figures_and_is_tried_again(behind, caplog):
    keep.figures("k", runs=1, refreshed_at=T0, render=Renders())
    later = T0 + datetime.timedelta(seconds=5)

    def broken() -> str:
        raise RuntimeError("the database went away")

    assert keep.figures("k", runs=2, refreshed_at=later, render=broken).html == "figures 1"
    behind.pop()()
    assert "rendering a page's figures failed" in caplog.text
    # The flag is gone: the next viewer starts a render again.
    assert keep.figures("k", runs=2, refreshed_at=later, render=Renders()).html == "figures 1"
    behind.pop()()
    assert keep.figures("k", runs=2, refreshed_at=later, render=Renders()).html == "figures 1"


def test_without_rendering_behind_the_viewer_renders_the_new_figures(settings):
    settings.DASHBOARD_RENDER_BEHIND = False
    render = Renders()
    keep.figures("k", runs=1, refreshed_at=T0, render=render)
    later = T0 + datetime.timedelta(seconds=5)
    assert keep.figures("k", runs=2, refreshed_at=later, render=render).html == "figures 2"


def test_the_render_behind_runs_on_the_processes_thread(db, settings):
    settings.DASHBOARD_RENDER_BEHIND = True
    done = threading.Event()
    seen: list[str] = []

    def render() -> str:
        seen.append(threading.current_thread().name)
        done.set()
        return "new"

    keep.figures("t", runs=1, refreshed_at=T0, render=lambda: "old")
    later = T0 + datetime.timedelta(seconds=5)
    assert keep.figures("t", runs=2, refreshed_at=later, render=render).html == "old"
    assert done.wait(10)
    for _ in range(100):  # kept just after render() returns
        if (kept := keep.PAGES.get("t")) and kept.html == "new":
            break
        threading.Event().wait(0.05)
    assert seen[0].startswith("hazari-figures") and keep.PAGES.get("t").html == "new"


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_behind_reads_the_database_on_its_own_thread(dash, clock, settings):
    """End to end: after the refresher counts a new capture, the state's page is shown with
    the last figures, and a moment later with the new ones, rendered by the thread with its
    own database connection (committed data: this test's transactions are real)."""
    settings.DASHBOARD_RENDER_BEHIND = True
    client = logged_in(dash.sunita)
    client.cookies["django_language"] = "en"
    url = f"/dashboard/units/{dash.state.pk}/?period=day&date=2026-07-15"

    def figures() -> str:
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode().split('data-testid="summary"')[1]

    before = figures()
    scenario.send(dash, scenario.Send(1, 9, 0.9, 20, 0, False, "PP"))
    refresh.refresh(now=NOW)
    assert figures() == before
    for _ in range(200):
        if (after := figures()) != before:
            break
        threading.Event().wait(0.05)
    assert after != before
