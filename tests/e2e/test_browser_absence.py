"""The officers' pages of absence in the browser: a block officer at a desktop reads the
block's chronic absentees one level down and the causes, and follows the dashboard's tab there;
a cluster officer on a phone opens the cluster's children by name and downloads them. Each
page is saved as a screenshot."""

import csv
import io
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import expect

from hazari.attendance.tests.conftest import school_a_ready  # noqa: F401 (a fixture)
from hazari.students import rollup
from hazari.students.models import NamedListDownload
from hazari.students.tests.worlds import session_of_marks
from hazari.testing import PASSWORD
from tests.e2e.test_browser_layout import DESKTOP, sideways_overflow

pytestmark = pytest.mark.browser


@pytest.fixture
def w(school_a_ready):  # noqa: F811
    with time_machine.travel("2026-07-15 18:00 +0530", tick=True):
        w = session_of_marks(school_a_ready)
        rollup.rebuild()
        yield w


def test_block_officer_reads_chronic_absence_and_causes(new_context, w, login, shot):
    page = new_context(viewport=DESKTOP).new_page()
    login(page, w.bhavna.username, PASSWORD)
    page.goto(f"/dashboard/units/{w.block_x.pk}/")
    page.get_by_test_id("tab-absence").click()
    expect(page.get_by_test_id("absence-summary")).to_be_visible()
    expect(page.get_by_test_id("table-children")).to_contain_text("फंदा संकुल 1")
    expect(page.locator("svg.chart[role=img]")).to_have_count(3)
    shot(page, "absence-block-session")
    page.get_by_test_id("tab-causes").click()
    expect(page.get_by_test_id("table-causes-by-month")).to_contain_text("मौसमी पलायन")
    shot(page, "absence-block-causes")
    # No child is named above a cluster.
    assert "Naam" not in page.content()


def test_cluster_officer_lists_the_children_on_a_phone(new_context, w, login, shot):
    page = new_context(accept_downloads=True).new_page()
    login(page, w.chetan.username, PASSWORD)
    page.goto(f"/absence/units/{w.cluster_x1.pk}/")
    page.get_by_test_id("tab-named").click()
    expect(page.get_by_test_id("followup")).to_contain_text("Naam")
    page.wait_for_load_state("load")  # the stylesheet, which puts the table in its box
    assert sideways_overflow(page) == 0  # the wide table scrolls inside its own box
    shot(page, "absence-cluster-named-phone")
    with page.expect_download() as download:
        page.get_by_test_id("csv-followup").click()
    rows = list(
        csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")))
    )
    assert len(rows) > 1 and all(r[0] == "शा.प्रा.शा. कोलार" for r in rows[1:])
    assert NamedListDownload.objects.filter(user=w.chetan, unit=w.cluster_x1).count() == 1
