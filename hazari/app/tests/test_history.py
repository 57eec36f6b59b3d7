"""GET /api/v1/app/history: the server's record of a school's last 30 days."""

import datetime
import uuid

import pytest
from django.test import Client

from hazari.api.tests.helpers import app_client, capture_body, upload
from hazari.attendance import review
from hazari.attendance.models import RuleSet
from hazari.attendance.tests.conftest import DAY
from hazari.schooldays.models import Closure, Kind


def history(client: Client, **params):
    return client.get("/api/v1/app/history", params)


def days_by_date(response) -> dict:
    assert response.status_code == 200, response.content
    return {d["date"]: d for d in response.json()["days"]}


def test_thirty_days_newest_first_with_the_calendar(w):
    Closure.objects.create(
        unit=w.district_a,
        start=DAY - datetime.timedelta(days=5),
        end=DAY - datetime.timedelta(days=5),
        kind=Kind.LOCAL_FESTIVAL,
        reason="Bhujariya",
        created_by=w.dinesh,
    )
    response = history(app_client(w.asha))
    body = response.json()
    assert body["school_id"] == w.school_a.pk
    assert body["server_time"] == "2026-07-15T10:30:00+05:30"
    dates = [d["date"] for d in body["days"]]
    assert len(dates) == 30
    assert dates[0] == "2026-07-15" and dates[-1] == "2026-06-16"
    days = days_by_date(response)
    assert days["2026-07-12"]["open"] is False  # Sunday
    assert days["2026-07-12"]["label_hi"] == "साप्ताहिक अवकाश"
    assert days["2026-07-12"]["label_en"] == "Weekly off"
    assert (
        days["2026-07-10"]["open"] is False and days["2026-07-10"]["label_en"] == "Local festival"
    )
    assert days["2026-07-14"] == {
        "date": "2026-07-14",
        "open": True,
        "label_hi": "शाला दिवस",
        "label_en": "School day",
        "reported": False,
        "on_time": None,
        "version": None,
        "status": None,
        "present": None,
        "meals_served": None,
        "held": False,
    }


def test_reported_on_time_late_and_corrected_days(w):
    # Yesterday's capture arrives today, after the cut-off: late, by this state's rule.
    RuleSet.objects.create(unit=w.state, after_close="late")
    client = app_client(w.asha)
    yesterday = DAY - datetime.timedelta(days=1)
    late = capture_body(w, day=yesterday, when="12:30", meals=100)
    assert upload(client, [late]).json()["receipts"][0]["status"] == "late"
    assert upload(client, [capture_body(w, present=15, when="10:25")]).status_code == 200
    correction = capture_body(w, present=14, when="10:28", reason="Recount")
    assert upload(client, [correction]).json()["receipts"][0]["status"] == "accepted"
    days = days_by_date(history(client))
    today = days["2026-07-15"]
    assert today["reported"] and today["on_time"] and today["version"] == 2
    assert today["status"] == "accepted" and today["present"] == 140 and not today["held"]
    before = days["2026-07-14"]
    assert before["reported"] and before["on_time"] is False and before["status"] == "late"
    assert before["version"] == 1 and before["meals_served"] == 100


def test_a_held_day_counts_only_once_approved(w):
    RuleSet.objects.create(unit=w.state, max_clock_skew_minutes=5)
    client = app_client(w.asha)
    # The phone's clock is two hours slow: held for review.
    receipt = upload(client, [capture_body(w, when="08:25")], sent_at="2026-07-15T08:30:00+05:30")
    assert receipt.json()["receipts"][0]["status"] == "held"
    today = days_by_date(history(client))["2026-07-15"]
    assert today["held"] and not today["reported"]

    version = review.held_for(w.bhavna).get()
    review.version_approve(actor=w.bhavna, version=version, note="Phone clock was wrong")
    today = days_by_date(history(client))["2026-07-15"]
    assert today["reported"] and not today["held"] and today["version"] == 1


def test_an_officer_names_a_school_of_the_area(w):
    assert history(app_client(w.bhavna), school_id=w.school_a.pk).status_code == 200
    assert history(app_client(w.bhavna)).status_code == 404  # no school of her own
    assert history(app_client(w.yash), school_id=w.school_a.pk).status_code == 404


def test_a_head_master_sees_only_her_school(w):
    client = app_client(w.asha)
    assert history(client, school_id=w.school_b.pk).status_code == 404
    assert history(client, school_id=w.school_a.pk).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer not-a-token"}])
def test_token_required(w, headers):
    response = Client().get("/api/v1/app/history", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "not_logged_in"


def test_the_web_session_is_not_enough(w, client):
    """Like the sync endpoints: the app's bearer token only."""
    client.force_login(w.asha)
    assert history(client).status_code == 401


def test_query_count_does_not_grow_with_the_records(w, django_assert_max_num_queries):
    client = app_client(w.asha)
    for days_back in range(3):
        day = DAY - datetime.timedelta(days=days_back)
        body = capture_body(w, capture_id=uuid.uuid4(), day=day)
        upload(client, [body], sent_at=f"{day.isoformat()}T10:30:00+05:30")
    # token (2: look-up, last use), school, calendar (3), records, held.
    with django_assert_max_num_queries(9):
        assert history(client).status_code == 200
