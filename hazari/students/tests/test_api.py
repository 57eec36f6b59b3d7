"""The phone app's follow-up API: the list's contract, the entries' receipts, the access."""

import uuid

import pytest
from django.test import Client

from hazari.api.tests.helpers import app_client, post_json
from hazari.students.models import FollowUp, FollowUpEntry
from hazari.students.tests.conftest import TODAY, marks_of

LIST = "/api/v1/students/followups"
ENTRIES = "/api/v1/students/followups/entries"


def item(w, **changes) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "school_id": w.school_a.pk,
        "student": w.ravi.pk,
        "kind": "cause",
        "code": "illness",
        "note": "",
        "on": TODAY.isoformat(),
        "captured_at": "2026-07-15T10:20:00+05:30",
        **changes,
    }


def send(client, entries):
    return post_json(client, ENTRIES, {"sent_at": "2026-07-15T10:25:00+05:30", "entries": entries})


@pytest.fixture
def asha(w):
    return app_client(w.asha)


def test_the_list_as_the_contract_says(w, asha):
    marks_of(w.ravi, "PPPP.PPPPPPA.AA")
    marks_of(w.sita, "PPPP.PPPPPPP.PP")
    assert send(asha, [item(w, on="2026-07-14"), item(w, kind="action", code="home_visit")])
    response = asha.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "today",
        "session_start",
        "limits",
        "causes",
        "actions",
        "outcomes",
        "students",
    }
    assert body["today"] == "2026-07-15" and body["session_start"] == "2026-04-01"
    assert body["limits"] == {
        "run_days": 3,
        "threshold": 75.0,
        "recent_days": 30,
        "chronic": 10.0,
        "severe": 20.0,
    }
    assert {"code": "illness", "name_en": "Illness"}.items() <= body["causes"][0].items()
    assert all(set(c) == {"code", "name_hi", "name_en"} for c in body["causes"])
    assert [c["code"] for c in body["outcomes"]] == ["came_back", "still_absent"]
    assert body["actions"][0]["name_hi"] != body["actions"][0]["name_en"]
    [ravi] = body["students"]
    assert ravi == {
        "id": w.ravi.pk,
        "student_id": "S1001",
        "name": "Ravi Kumar",
        "gender": "M",
        "class_no": 2,
        "section": "",
        "days_marked": 13,
        "days_absent": 3,
        "absent_in_a_row": 3,
        "attendance": 76.9,
        "tier": "severe",
        "reasons": ["in_a_row"],
        "follow_up": {
            "opened_on": "2026-07-14",
            "cause": "illness",
            "cause_note": "",
            "action": "home_visit",
            "action_on": "2026-07-15",
            "outcome": None,
            "outcome_on": None,
            "is_open": True,
            "history": [
                {
                    "kind": "cause",
                    "code": "illness",
                    "note": "",
                    "on": "2026-07-14",
                    "recorded_by": "Asha Verma",
                    "recorded_at": "2026-07-15T10:20:00+05:30",
                },
                {
                    "kind": "action",
                    "code": "home_visit",
                    "note": "",
                    "on": "2026-07-15",
                    "recorded_by": "Asha Verma",
                    "recorded_at": "2026-07-15T10:20:00+05:30",
                },
            ],
        },
        "guardian_mobile": None,
    }


def test_a_student_without_marks_or_follow_up_is_not_listed(w, asha):
    body = asha.get(LIST).json()
    assert body["students"] == []


def test_an_officer_names_the_school(w):
    chetan = app_client(w.chetan)
    marks_of(w.ravi, "AAA")
    assert chetan.get(f"{LIST}?school_id={w.school_a.pk}").json()["students"][0]["id"] == w.ravi.pk
    response = chetan.get(LIST)
    assert response.status_code == 422 and response.json()["code"] == "school_required"


@pytest.mark.parametrize("who", ["asha", "chetan", "zoya"])
def test_a_school_outside_the_area_is_404(w, who):
    response = app_client(getattr(w, who)).get(f"{LIST}?school_id={w.school_c.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and response.json()["message_hi"]


def test_without_a_token_401(w):
    assert Client().get(LIST).status_code == 401
    assert (
        post_json(Client(), ENTRIES, {"sent_at": "2026-07-15T10:25:00Z", "entries": []}).status_code
        == 401
    )


def test_a_web_session_is_not_enough(w):
    client = Client()
    client.force_login(w.asha)
    assert client.get(LIST).status_code == 401


def test_one_receipt_per_entry_in_order(w, asha):
    good, bad = item(w), item(w, code="other")
    response = send(asha, [good, bad, good])
    assert response.status_code == 200
    receipts = response.json()["receipts"]
    assert [(r["uuid"], r["status"], r["code"]) for r in receipts] == [
        (good["uuid"], "accepted", "accepted"),
        (bad["uuid"], "rejected", "invalid"),
        (good["uuid"], "accepted", "accepted"),
    ]
    assert set(receipts[1]) == {"uuid", "status", "code", "message_hi", "message_en", "errors"}
    assert receipts[1]["errors"][0]["field"] == "note"
    assert set(receipts[1]["errors"][0]) == {"field", "code", "message_hi", "message_en"}
    assert FollowUpEntry.objects.count() == 1


def test_an_entry_for_a_school_outside_the_area_is_rejected_and_stores_nothing(w, asha):
    receipt = send(asha, [item(w, school_id=w.school_c.pk, student=w.chandu.pk)]).json()
    assert receipt["receipts"][0]["code"] == "school_outside_area"
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"entries": []},  # no sent_at
        {"sent_at": "2026-07-15T10:25:00+05:30"},  # no entries
        {"sent_at": "2026-07-15T10:25:00+05:30", "entries": [{"uuid": "not-a-uuid"}]},
        {"sent_at": "2026-07-15T10:25:00+05:30", "entries": [{"student": "x"}]},
    ],
)
def test_a_request_that_is_not_the_schema_is_422_as_a_whole(w, asha, body):
    response = post_json(asha, ENTRIES, body)
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_at_most_50_entries_a_request(w, asha):
    assert send(asha, [item(w) for _ in range(51)]).status_code == 422
    assert not FollowUpEntry.objects.exists()


def test_the_list_and_entries_are_in_the_openapi_document(w):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[LIST] and "post" in paths[ENTRIES]


def test_a_meal_officer_gets_no_names_from_the_api(w):
    response = app_client(w.meera).get(f"/api/v1/students/followups?school_id={w.school_a.pk}")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_allowed" and body["message_hi"] and body["message_en"]


def test_the_guardians_mobile_goes_to_the_schools_own_staff_only(w, asha):
    type(w.ravi).objects.filter(pk=w.ravi.pk).update(guardian_mobile="9876543210")
    marks_of(w.ravi, "AAA")
    marks_of(w.sita, "AAA")
    students = {s["id"]: s for s in asha.get(LIST).json()["students"]}
    assert students[w.ravi.pk]["guardian_mobile"] == "9876543210"
    assert students[w.sita.pk]["guardian_mobile"] is None  # the register has none
    officer = app_client(w.chetan).get(f"{LIST}?school_id={w.school_a.pk}").json()
    assert [s["guardian_mobile"] for s in officer["students"]] == [None, None]
