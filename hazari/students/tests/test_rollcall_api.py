"""The roll call through the phone app's API: the register in the bootstrap, a roll call in an
upload, and the register's import keeping the stays a roll call is judged against."""

import datetime

import pytest
import time_machine

from hazari.api.tests.helpers import NOW, app_client, capture_body, upload
from hazari.attendance.models import ClassPresence, RuleSet
from hazari.attendance.tests.conftest import (
    DAY,
    school_a_ready,  # noqa: F401 (a fixture)
)
from hazari.registers.models import PastStay, Student
from hazari.students.models import MarkMonth


@pytest.fixture
def w(school_a_ready):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        w = school_a_ready
        w.ravi = Student.objects.create(
            student_id="1001", name="Ravi", gender="M", class_no=1, school=w.school_a
        )
        w.meena = Student.objects.create(
            student_id="1002", name="Meena", gender="F", class_no=1, school=w.school_a
        )
        w.sonu = Student.objects.create(
            student_id="1003", name="Sonu", gender="M", class_no=2, school=w.school_a
        )
        yield w


def students_wise(unit) -> None:
    RuleSet.objects.update_or_create(unit=unit, defaults={"roll_call": "students"})


def test_the_bootstrap_says_counts_unless_the_rules_ask_for_a_roll_call(w):
    body = app_client(w.asha).get("/api/v1/sync/bootstrap").json()
    assert body["roll_call"] == {"mode": "counts", "late_and_left_early": False}
    assert body["students"] == []


def test_the_bootstrap_carries_the_register_of_the_offline_days(w):
    students_wise(w.state)
    # Sonu moved to class 3 yesterday: on yesterday's roll of class 2, and today's of class 3.
    yesterday = DAY - datetime.timedelta(days=1)
    PastStay.objects.create(student=w.sonu, school=w.school_a, class_no=2, until=yesterday)
    Student.objects.filter(pk=w.sonu.pk).update(class_no=3, since=DAY)
    body = app_client(w.asha).get("/api/v1/sync/bootstrap").json()
    assert body["roll_call"]["mode"] == "students"
    entries = [(s["name"], s["class_no"], s["since"], s["until"]) for s in body["students"]]
    assert entries == [
        ("Meena", 1, None, None),
        ("Ravi", 1, None, None),
        ("Sonu", 2, None, yesterday.isoformat()),
        ("Sonu", 3, DAY.isoformat(), None),
    ]
    assert body["students"][0].keys() == {
        "id",
        "student_id",
        "name",
        "gender",
        "class_no",
        "section",
        "since",
        "until",
    }


def _have(body: dict) -> str:
    return ",".join(f"{c}:{h}" for c, h in body["student_register"]["classes"].items())


def test_a_phone_holding_the_register_is_sent_only_the_classes_that_changed(w):
    students_wise(w.state)
    client = app_client(w.asha)
    first = client.get("/api/v1/sync/bootstrap").json()
    assert first["student_register"]["partial"] is False
    assert set(first["student_register"]["classes"]) == {"1", "2"}
    # Nothing changed: no child is sent again, and the version is the full payload's.
    same = client.get("/api/v1/sync/bootstrap", {"have": _have(first)}).json()
    assert same["students"] == [] and same["student_register"]["partial"] is True
    assert same["version"] == first["version"]
    # A new admission to class 2: class 2 is sent, whole; class 1 is not.
    Student.objects.create(
        student_id="1004", name="Anil", gender="M", class_no=2, school=w.school_a, since=DAY
    )
    after = client.get("/api/v1/sync/bootstrap", {"have": _have(first)}).json()
    assert [(s["name"], s["class_no"]) for s in after["students"]] == [("Anil", 2), ("Sonu", 2)]
    assert after["student_register"]["classes"]["1"] == first["student_register"]["classes"]["1"]
    assert after["version"] != first["version"]
    # Sonu transferred out: class 2 again; a class left empty is gone from `classes`.
    Student.objects.filter(pk=w.sonu.pk).update(is_active=False)
    Student.objects.filter(name="Anil").update(is_active=False)
    gone = client.get("/api/v1/sync/bootstrap", {"have": _have(after)}).json()
    assert gone["students"] == [] and set(gone["student_register"]["classes"]) == {"1"}
    # A phone that holds nothing (an empty `have`) is sent everything.
    empty = client.get("/api/v1/sync/bootstrap", {"have": ""}).json()
    assert [s["name"] for s in empty["students"]] == ["Meena", "Ravi"]


@pytest.mark.parametrize("have", ["1:xyz", "13:0123456789ab", "1:0123456789ab,", "1;2", "a" * 300])
def test_a_malformed_have_is_refused_by_field(w, have):
    students_wise(w.state)
    response = app_client(w.asha).get("/api/v1/sync/bootstrap", {"have": have})
    assert response.status_code == 422
    assert any(e["field"] == "have" for e in response.json()["errors"])


def test_a_school_without_a_register_stays_on_counts(w):
    students_wise(w.state)
    body = app_client(w.hari).get("/api/v1/sync/bootstrap").json()
    assert body["roll_call"]["mode"] == "counts" and body["students"] == []


def test_a_roll_call_uploads_and_its_counts_are_derived(w):
    students_wise(w.state)
    body = capture_body(w, classes=[])
    body["roll"] = {"present": [w.ravi.pk, w.sonu.pk], "absent": [w.meena.pk]}
    with time_machine.travel(NOW, tick=False):
        response = upload(app_client(w.asha), [body])
    (receipt,) = response.json()["receipts"]
    assert (receipt["status"], receipt["code"]) == ("accepted", "on_time"), receipt
    counts = {c.class_no: (c.boys, c.girls) for c in ClassPresence.objects.all()}
    assert counts == {1: (1, 0), 2: (1, 0), 3: (0, 0), 4: (0, 0), 5: (0, 0)}
    assert MarkMonth.objects.count() == 3


def test_a_roll_call_naming_another_schools_child_gets_the_field_and_reason(w):
    other = Student.objects.create(
        student_id="2001", name="Gita", gender="F", class_no=6, school=w.school_b
    )
    body = capture_body(w, classes=[])
    body["roll"] = {"present": [w.ravi.pk, other.pk], "absent": []}
    with time_machine.travel(NOW, tick=False):
        (receipt,) = upload(app_client(w.asha), [body]).json()["receipts"]
    assert (receipt["status"], receipt["code"]) == ("rejected", "invalid")
    (error,) = receipt["errors"]
    assert (error["field"], error["code"]) == ("roll.present[1]", "not_on_register")
    assert "2026-07-15" in error["message_en"] and error["message_hi"]


@pytest.mark.parametrize(
    "roll",
    [[1, 2], {"present": [1]}, {"present": ["x"], "absent": []}, {"present": [0], "absent": []}],
)
def test_a_malformed_roll_fails_the_request(w, roll):
    body = capture_body(w, classes=[])
    body["roll"] = roll
    with time_machine.travel(NOW, tick=False):
        response = upload(app_client(w.asha), [body])
    assert response.status_code == 422
    assert "roll" in response.content.decode()
