"""The school's follow-up page and its downloads: by name, in the area only, on record."""

import csv
import datetime
import io
import uuid

import pytest
from django.test import Client
from openpyxl import load_workbook

from hazari.students.models import NamedListDownload
from hazari.students.services import EntryIn, followup_entry_record
from hazari.students.tests.conftest import TODAY, marks_of

NOW = datetime.datetime(2026, 7, 15, 5, 0, tzinfo=datetime.UTC)
PAGE = "/students/school/{pk}/followup/"
EXPORT = "/students/school/{pk}/followup/export/followup.{fmt}"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def marked(w):
    marks_of(w.gita, "PAPA.PAPAPP")  # 60 %
    marks_of(w.ravi, "PPPP.PPPPPPA.AA")  # three in a row
    marks_of(w.sita, "PPPP.PPPPPPP.PP")
    for kind, code, note in [("cause", "other", "at the fair"), ("action", "home_visit", "")]:
        data = EntryIn(uuid.uuid4(), w.school_a.pk, w.ravi.pk, kind, code, note, TODAY, NOW)
        assert followup_entry_record(user=w.asha, data=data, received_at=NOW).status == "accepted"
    return w


@pytest.mark.parametrize("who", ["asha", "tarun", "chetan", "bhavna", "dinesh", "sunita"])
def test_the_schools_staff_and_officers_above_see_the_list_worst_first(marked, who):
    response = client_for(getattr(marked, who)).get(PAGE.format(pk=marked.school_a.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Ravi Kumar") < html.index("Gita Devi")
    assert "Sita Bai" not in html


def test_the_page_shows_cause_action_and_status(marked):
    client = client_for(marked.asha)
    client.cookies["django_language"] = "en"
    html = client.get(PAGE.format(pk=marked.school_a.pk)).content.decode()
    assert "Other (write a note): at the fair" in html
    assert "Home visit (15-07-2026)" in html
    assert "Being followed up" in html and "Not followed up yet" in html


def test_an_empty_list(w):
    response = client_for(w.asha).get(PAGE.format(pk=w.school_a.pk))
    assert 'data-testid="followup-empty"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "school"),
    [("asha", "school_b"), ("hari", "school_a"), ("yash", "school_a"), ("zoya", "school_a")],
)
def test_outside_the_area_404(marked, who, school):
    client = client_for(getattr(marked, who))
    pk = getattr(marked, school).pk
    assert client.get(PAGE.format(pk=pk)).status_code == 404
    assert client.get(EXPORT.format(pk=pk, fmt="csv")).status_code == 404
    assert not NamedListDownload.objects.exists()


def test_anonymous_is_sent_to_log_in(w):
    response = Client().get(PAGE.format(pk=w.school_a.pk))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_csv_holds_the_page_rows_and_the_download_is_recorded(marked):
    client = client_for(marked.chetan)
    client.cookies["django_language"] = "en"
    response = client.get(EXPORT.format(pk=marked.school_a.pk, fmt="csv"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Student ID", "Class"]
    assert [r[0] for r in rows[1:]] == ["Ravi Kumar", "Gita Devi"]
    assert rows[2][6] == "60.0"
    d = NamedListDownload.objects.get()
    assert (d.user, d.unit_id, d.what, d.file_format, d.rows) == (
        marked.chetan,
        marked.school_a.pk,
        "followup",
        "csv",
        2,
    )


def test_the_xlsx_download_is_recorded_too(marked):
    response = client_for(marked.asha).get(EXPORT.format(pk=marked.school_a.pk, fmt="xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row == 3
    assert NamedListDownload.objects.get().file_format == "xlsx"


@pytest.mark.parametrize("path", ["followup.pdf", "other.csv"])
def test_no_other_table_or_format(marked, path):
    url = f"/students/school/{marked.school_a.pk}/followup/export/{path}"
    assert client_for(marked.asha).get(url).status_code == 404
    assert not NamedListDownload.objects.exists()


def test_the_school_page_links_to_the_list(w):
    html = client_for(w.chetan).get(f"/units/{w.school_a.pk}/").content.decode()
    assert PAGE.format(pk=w.school_a.pk) in html


def test_the_guardians_mobile_is_for_the_schools_own_staff_only(marked):
    type(marked.ravi).objects.filter(pk=marked.ravi.pk).update(guardian_mobile="9876543210")
    for who in ("asha", "tarun"):
        assert (
            "9876543210"
            in client_for(getattr(marked, who))
            .get(PAGE.format(pk=marked.school_a.pk))
            .content.decode()
        )
        csv_text = (
            client_for(getattr(marked, who))
            .get(EXPORT.format(pk=marked.school_a.pk, fmt="csv"))
            .content.decode()
        )
        assert "9876543210" in csv_text
    # The officers above the school open the same list without it, page and download; the
    # cluster's list never has it.
    for who in ("chetan", "bhavna", "dinesh", "sunita"):
        client = client_for(getattr(marked, who))
        page = client.get(PAGE.format(pk=marked.school_a.pk)).content.decode()
        assert "Ravi Kumar" in page and "9876543210" not in page
        download = client.get(EXPORT.format(pk=marked.school_a.pk, fmt="csv")).content.decode()
        assert "Ravi Kumar" in download and "9876543210" not in download
    cluster = client_for(marked.chetan).get(
        f"/students/cluster/{marked.school_a.unit.cluster_id}/followup/"
    )
    assert "Ravi Kumar" in cluster.content.decode()
    assert "9876543210" not in cluster.content.decode()
