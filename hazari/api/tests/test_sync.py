"""The phone app's sync API: bootstrap, upload with receipts, receipts, and every 4xx."""

import contextlib
import datetime
import json
import re
import uuid
from unittest import mock

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazari.api.schemas import MAX_BODY_BYTES, MAX_CAPTURES_PER_BATCH
from hazari.api.tests.helpers import app_client, capture_body, iso, post_json, upload
from hazari.attendance import services
from hazari.attendance.models import Capture, DayRecord, RuleSet, Version
from hazari.attendance.tests.conftest import DAY
from hazari.registers.models import Enrolment
from hazari.schooldays.models import Closure, Kind
from hazari.staff.models import Posting

MONDAY, TUESDAY, SUNDAY = (
    DAY - datetime.timedelta(days=2),
    DAY - datetime.timedelta(days=1),
    DAY - datetime.timedelta(days=3),
)


def bootstrap(client: Client, **params):
    return client.get("/api/v1/sync/bootstrap", params)


def assert_bilingual_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message_en"] and body["message_hi"]
    return body


# --- Bootstrap ---------------------------------------------------------------------------


def test_bootstrap_has_everything_for_offline_work(w):
    Closure.objects.create(
        unit=w.district_a,
        start=datetime.date(2026, 7, 20),
        end=datetime.date(2026, 7, 21),
        kind=Kind.LOCAL_FESTIVAL,
        reason="Bhujariya",
        created_by=w.dinesh,
    )
    RuleSet.objects.create(unit=w.district_a, max_offline_days=2)
    response = bootstrap(app_client(w.asha))
    assert response.status_code == 200
    body = response.json()
    assert body["server_time"] == "2026-07-15T10:30:00+05:30"
    assert body["today"] == "2026-07-15" and body["academic_year"] == 2026
    assert body["school"] == {
        "id": w.school_a.pk,
        "udise": "23320100101",
        "name_en": "GPS Kolar",
        "name_hi": "शा.प्रा.शा. कोलार",
        "category": 1,
        "classes": [1, 2, 3, 4, 5],
        "start_time": "10:00",
    }
    assert body["classes"] == [
        {"class_no": c, "boys": 20, "girls": 20, "third_gender": 0} for c in range(1, 6)
    ]
    assert [
        (s["posting_id"], s["employee_code"], s["name"], s["designation"]) for s in body["staff"]
    ] == [
        (w.posting_asha.pk, "EMP0001", "Asha Verma", "Head Master"),
        (w.posting_tarun.pk, "EMP1001", "Tarun Sahu", "Primary Teacher"),
    ]
    days = {d["date"]: d for d in body["calendar"]}
    assert len(days) == 38  # a week back to a month ahead
    assert min(days) == "2026-07-08" and max(days) == "2026-08-14"
    assert days["2026-07-15"]["open"] and days["2026-07-15"]["reason"] == "open"
    sunday = days["2026-07-19"]
    assert (sunday["open"], sunday["reason"], sunday["label_en"]) == (
        False,
        "weekly_off",
        "Weekly off",
    )
    festival = days["2026-07-20"]
    assert (festival["open"], festival["reason"], festival["kind"]) == (
        False,
        "closure",
        "local_festival",
    )
    assert festival["label_en"] == "Local festival" and festival["note"] == "Bhujariya"
    assert festival["label_hi"] and festival["label_hi"] != festival["label_en"]
    assert body["rules"] == {
        "opens_at": "10:00",
        "on_time_until": "14:00",
        "on_time_minutes": 60,
        "day_closes_at": "17:00",
        "max_offline_days": 2,  # the district's override
        "max_clock_skew_minutes": 15,
        "wrong_clock": "held",
        "meals_over_present": "rejected",
        "after_close": "held",
    }
    assert days["2026-07-15"]["start_time"] == "10:00"
    assert body["limits"]["max_captures_per_batch"] == MAX_CAPTURES_PER_BATCH
    assert body["limits"]["max_body_bytes"] == MAX_BODY_BYTES
    assert body["limits"]["meal_classes"] == list(range(1, 9))
    assert len(body["version"]) == 16


def test_bootstrap_staff_includes_those_ended_within_the_offline_window(w):
    Posting.objects.filter(pk=w.posting_tarun.pk).update(end_date=MONDAY)
    old = Posting.objects.create(
        employee_code="EMP0009",
        name="Long Gone",
        designation="Peon",
        school=w.school_a,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2026, 7, 1),
        source="hrmis",
    )
    staff = {s["posting_id"]: s for s in bootstrap(app_client(w.asha)).json()["staff"]}
    assert old.pk not in staff
    assert staff[w.posting_tarun.pk]["end_date"] == "2026-07-13"
    assert staff[w.posting_asha.pk]["end_date"] is None


def test_bootstrap_version_changes_only_when_the_content_does(w):
    client = app_client(w.asha)
    first = bootstrap(client).json()["version"]
    with time_machine.travel("2026-07-15 10:45 +0530", tick=False):
        assert bootstrap(client).json()["version"] == first  # the server time is left out
    Enrolment.objects.filter(school=w.school_a, class_no=3).update(girls=21)
    assert bootstrap(client).json()["version"] != first


def test_bootstrap_takes_a_few_queries(w, django_assert_max_num_queries):
    client = app_client(w.asha)
    for _ in range(5):
        Posting.objects.create(
            employee_code=f"EMP55{_}",
            name=f"T{_}",
            designation="Primary Teacher",
            school=w.school_a,
            start_date=datetime.date(2024, 7, 1),
            source="hrmis",
        )
    bootstrap(client)  # the token's first use records it
    # The token and user; the school; rules, enrolment, postings; the calendar (three).
    with django_assert_max_num_queries(8):
        assert bootstrap(client).status_code == 200


def test_head_master_cannot_bootstrap_another_school(w):
    assert_bilingual_error(bootstrap(app_client(w.asha), school_id=w.school_b.pk), 404, "not_found")
    assert_bilingual_error(bootstrap(app_client(w.hari), school_id=w.school_a.pk), 404, "not_found")


def test_teacher_gets_her_own_school(w):
    assert bootstrap(app_client(w.tarun)).json()["school"]["id"] == w.school_a.pk


def test_officer_names_a_school_of_their_area(w):
    client = app_client(w.bhavna)
    body = assert_bilingual_error(bootstrap(client), 422, "school_required")
    assert body["errors"][0]["field"] == "school_id"
    assert bootstrap(client, school_id=w.school_a.pk).json()["school"]["id"] == w.school_a.pk
    assert bootstrap(client, school_id=w.school_c.pk).status_code == 404


@pytest.mark.parametrize("school_id", ["abc", "0", "-1", str(2**70)])
def test_bootstrap_with_a_bad_school_id_is_422(w, school_id):
    body = assert_bilingual_error(
        bootstrap(app_client(w.bhavna), school_id=school_id), 422, "invalid"
    )
    assert body["errors"][0]["field"] == "school_id"


# --- Upload: one receipt per capture --------------------------------------------------------


def test_receipt_for_each_status(w):
    client = app_client(w.asha)
    on_time = capture_body(w)
    # Offline yesterday, sent today: after the day's cut-off, held for an officer.
    late = capture_body(w, day=TUESDAY, when="11:30")
    sunday = capture_body(w, day=SUNDAY)
    invalid = capture_body(
        w,
        day=MONDAY,
        classes=[
            {"class_no": c, "boys": 21 if c == 3 else 5, "girls": 5} for c in (1, 2, 3, 4, 5, 9)
        ],
        staff=[{"posting_id": w.posting_asha.pk, "status": "P"}],
    )
    response = upload(client, [on_time, late, sunday, invalid])
    assert response.status_code == 200
    body = response.json()
    assert body["server_time"] == "2026-07-15T10:30:00+05:30"
    assert body["clock_offset_seconds"] == 0
    receipts = body["receipts"]
    assert [r["uuid"] for r in receipts] == [c["uuid"] for c in (on_time, late, sunday, invalid)]
    assert [(r["status"], r["code"], r["version"]) for r in receipts] == [
        ("accepted", "on_time", 1),
        ("held", "after_close", 1),
        ("rejected", "not_school_day", None),
        ("rejected", "invalid", None),
    ]
    assert all(r["message_en"] and r["message_hi"] for r in receipts)
    errors = {(e["field"], e["code"]) for e in receipts[3]["errors"]}
    assert {
        ("classes[5].class_no", "unknown_class"),
        ("classes[2].boys", "more_than_enrolled"),
        ("staff", "missing_staff"),
    } <= errors
    assert all(e["message_en"] and e["message_hi"] for e in receipts[3]["errors"])
    assert Capture.objects.count() == 4 and Version.objects.count() == 2
    stored = Capture.objects.get(pk=on_time["uuid"])
    assert (stored.device_id, stored.submitted_by, stored.role) == ("phone-1", w.asha, "hm")


def test_held_for_review_when_the_phone_clock_is_wrong(w):
    # The phone thinks it is 12:30: two hours fast.
    response = upload(
        app_client(w.asha), [capture_body(w, when="12:25")], sent_at=iso(DAY, "12:30")
    )
    body = response.json()
    assert body["clock_offset_seconds"] == -7200
    assert (body["receipts"][0]["status"], body["receipts"][0]["code"]) == ("held", "wrong_clock")
    assert DayRecord.objects.get().current is None


def test_clock_offset_is_measured_and_corrects_the_verdict(w):
    with time_machine.travel("2026-07-15 11:05 +0530", tick=False):
        # The phone is ten minutes slow: it says 10:55 when the server says 11:05.
        slow = upload(
            app_client(w.asha), [capture_body(w, when="10:55")], sent_at=iso(DAY, "10:55")
        ).json()
        # A right clock at 10:55 device time was captured in time, but it arrived at 11:05:
        # late (offline), where the slow clock's capture was late by its own time.
        right = upload(
            app_client(w.hari),
            [
                capture_body(
                    w,
                    school_id=w.school_c.pk,
                    when="10:55",
                    classes=[{"class_no": c, "boys": 0, "girls": 0} for c in range(1, 9)],
                    staff=[],
                )
            ],
            sent_at=iso(DAY, "11:05"),
        ).json()
    assert slow["clock_offset_seconds"] == 600
    assert (slow["receipts"][0]["status"], slow["receipts"][0]["code"]) == ("late", "late")
    assert right["clock_offset_seconds"] == 0
    assert (right["receipts"][0]["status"], right["receipts"][0]["code"]) == (
        "late",
        "late_offline",
    )
    capture = Capture.objects.get(pk=slow["receipts"][0]["uuid"])
    assert capture.clock_offset == 600
    assert capture.sent_at.isoformat() == "2026-07-15T05:25:00+00:00"
    assert capture.version.captured_at.isoformat() == "2026-07-15T05:35:00+00:00"  # 11:05 IST


def test_same_uuid_same_content_returns_the_same_receipt_and_changes_nothing(w):
    client = app_client(w.asha)
    data = capture_body(w)
    first = upload(client, [data]).json()["receipts"]
    with time_machine.travel("2026-07-15 12:00 +0530", tick=False):
        again = upload(client, [data], sent_at=iso(DAY, "12:00")).json()["receipts"]
    assert again == first
    assert Capture.objects.count() == 1 and Version.objects.count() == 1


def test_a_resend_costs_the_token_and_one_read(w, django_assert_num_queries):
    client = app_client(w.asha)
    data = capture_body(w)
    first = upload(client, [data]).json()["receipts"]
    with django_assert_num_queries(2):  # the token (and its user), the stored receipt
        again = upload(client, [data]).json()["receipts"]
    assert again == first


def test_same_instant_written_otherwise_is_the_same_capture(w):
    client = app_client(w.asha)
    data = capture_body(w)
    first = upload(client, [data]).json()["receipts"]
    in_utc = {**data, "captured_at": "2026-07-15T04:55:00Z"}
    assert upload(client, [in_utc]).json()["receipts"] == first


def test_same_uuid_other_content_is_a_conflict(w):
    client = app_client(w.asha)
    data = capture_body(w)
    upload(client, [data])
    other = capture_body(w, capture_id=data["uuid"], present=10)
    receipt = upload(client, [other]).json()["receipts"][0]
    assert (receipt["status"], receipt["code"]) == ("rejected", "conflict")
    assert Version.objects.get().present_boys == 75


def test_a_capture_twice_in_one_batch_is_stored_once(w):
    data = capture_body(w)
    receipts = upload(app_client(w.asha), [data, data]).json()["receipts"]
    assert receipts[0] == receipts[1]
    assert Capture.objects.count() == 1 and Version.objects.count() == 1


def test_a_correction_makes_version_two(w):
    client = app_client(w.asha)
    upload(client, [capture_body(w)])
    receipts = upload(
        client,
        [
            capture_body(w, when="10:28"),
            capture_body(w, when="10:29", present=14, reason="miscount"),
        ],
    ).json()["receipts"]
    assert [(r["code"], r["version"]) for r in receipts] == [
        ("reason_required", None),
        ("on_time", 2),
    ]


def test_head_master_upload_for_another_school_stores_nothing(w):
    data = capture_body(w, school_id=w.school_b.pk, classes=[], staff=[])
    receipt = upload(app_client(w.asha), [data]).json()["receipts"][0]
    assert (receipt["status"], receipt["code"]) == ("rejected", "school_outside_area")
    assert not Capture.objects.exists() and not DayRecord.objects.exists()


def test_block_officer_uploads_for_a_school_of_her_block(w):
    receipt = upload(app_client(w.bhavna), [capture_body(w)]).json()["receipts"][0]
    assert receipt["status"] == "accepted"
    assert Version.objects.get().role == "block_officer"


def test_an_empty_batch_measures_the_clock(w):
    body = upload(app_client(w.asha), [], sent_at=iso(DAY, "10:29")).json()
    assert body == {
        "server_time": "2026-07-15T10:30:00+05:30",
        "clock_offset_seconds": 60,
        "receipts": [],
    }


def test_a_time_without_offset_is_india_time(w):
    data = {**capture_body(w), "captured_at": "2026-07-15T10:25:00"}
    response = upload(app_client(w.asha), [data], sent_at="2026-07-15T10:30:00")
    assert response.json()["clock_offset_seconds"] == 0
    assert response.json()["receipts"][0]["status"] == "accepted"


def test_a_crash_mid_batch_keeps_earlier_captures_and_a_retry_completes_it(w):
    client = app_client(w.asha)
    batch = [capture_body(w, when=f"10:1{i}", reason=f"round {i}" if i else "") for i in range(5)]
    real = services.capture_submit
    calls = 0

    def crash_on_the_third(**kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the worker was killed")
        return real(**kwargs)

    with mock.patch.object(services, "capture_submit", crash_on_the_third):
        crashed = Client(
            raise_request_exception=False, HTTP_AUTHORIZATION=client.defaults["HTTP_AUTHORIZATION"]
        )
        assert upload(crashed, batch).status_code == 500
    assert sorted(str(c) for c in Capture.objects.values_list("uuid", flat=True)) == sorted(
        c["uuid"] for c in batch[:2]
    )
    receipts = upload(client, batch).json()["receipts"]
    assert [r["version"] for r in receipts] == [1, 2, 3, 4, 5]
    assert Capture.objects.count() == 5 and Version.objects.count() == 5


# --- Receipts ----------------------------------------------------------------------------


def test_receipts_of_uuids_sent_earlier(w):
    client = app_client(w.asha)
    sent = capture_body(w)
    first = upload(client, [sent]).json()["receipts"][0]
    elsewhere = capture_body(
        w,
        school_id=w.school_c.pk,
        classes=[{"class_no": c, "boys": 0, "girls": 0} for c in range(1, 9)],
        staff=[],
    )
    assert upload(app_client(w.hari), [elsewhere]).json()["receipts"][0]["status"] == "accepted"
    never = str(uuid.uuid4())
    response = post_json(
        client, "/api/v1/sync/receipts", {"uuids": [never, sent["uuid"], elsewhere["uuid"]]}
    )
    assert response.status_code == 200
    receipts = response.json()["receipts"]
    assert receipts[1] == first
    # Never received, or another school's: unknown, to be sent again.
    for r, u in ((receipts[0], never), (receipts[2], elsewhere["uuid"])):
        assert (r["uuid"], r["status"], r["code"], r["version"]) == (u, "unknown", "unknown", None)
        assert r["message_en"] == "The server has not received this capture; send it again."


def test_receipts_limits(w):
    client = app_client(w.asha)
    assert post_json(client, "/api/v1/sync/receipts", {"uuids": []}).json()["receipts"] == []
    too_many = {"uuids": [str(uuid.uuid4()) for _ in range(501)]}
    body = assert_bilingual_error(
        post_json(client, "/api/v1/sync/receipts", too_many), 422, "invalid"
    )
    assert body["errors"][0]["field"] == "uuids"
    bad = {"uuids": ["not-a-uuid"]}
    body = assert_bilingual_error(post_json(client, "/api/v1/sync/receipts", bad), 422, "invalid")
    assert body["errors"][0]["field"] == "uuids[0]"


# --- One capture, with an HTTP status ------------------------------------------------------


def single(client, data, *, sent_at=None):
    return post_json(client, "/api/v1/sync/capture", {**data, "sent_at": sent_at or iso()})


def test_single_capture_answers_with_a_status(w):
    client = app_client(w.asha)
    data = capture_body(w)
    created = single(client, data)
    assert created.status_code == 201
    assert created.json()["code"] == "on_time"
    assert single(client, data).json() == created.json()  # a resend answers the same
    assert single(client, data).status_code == 201
    assert single(client, {**data, "reason": "changed"}).status_code == 409
    held = single(client, capture_body(w, day=TUESDAY, when="12:00"), sent_at=iso(DAY, "12:30"))
    assert (held.status_code, held.json()["code"]) == (202, "wrong_clock")
    outside = single(client, capture_body(w, school_id=w.school_c.pk))
    assert (outside.status_code, outside.json()["code"]) == (404, "school_outside_area")


def test_single_capture_with_mistakes_is_422_naming_the_fields(w):
    classes = [{"class_no": c, "boys": 30 if c == 2 else 1, "girls": 1} for c in range(1, 5)]
    response = single(app_client(w.asha), capture_body(w, classes=classes))
    body = assert_bilingual_error(response, 422, "invalid")
    assert body["status"] == "rejected"
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("classes[1].boys", "more_than_enrolled"),
        ("classes", "missing_class"),
    }
    schema = single(app_client(w.asha), {**capture_body(w), "date": "15/07/2026"})
    assert assert_bilingual_error(schema, 422, "invalid")["errors"][0]["field"] == "date"


# --- Bad requests: a clear 4xx naming the field, never a 500 ----------------------------------


def test_malformed_json_is_400(w):
    response = post_json(
        app_client(w.asha), "/api/v1/sync/captures", '{"sent_at": "2026-07-15T10:30:00+05:30", '
    )
    body = assert_bilingual_error(response, 400, "malformed_json")
    assert body["message_en"] == "The request body is not valid JSON."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b.pop("sent_at"), "sent_at"),
        (lambda b: b.pop("captures"), "captures"),
        (lambda b: b["captures"][0].pop("uuid"), "captures[0].uuid"),
        (lambda b: b["captures"][0].pop("classes"), "captures[0].classes"),
        (lambda b: b["captures"][0].pop("staff"), "captures[0].staff"),
        (lambda b: b["captures"][0].pop("captured_at"), "captures[0].captured_at"),
        (lambda b: b["captures"][0].update(uuid="123"), "captures[0].uuid"),
        (lambda b: b["captures"][0].update(school_id="school A"), "captures[0].school_id"),
        (lambda b: b["captures"][0].update(date="2026-02-30"), "captures[0].date"),
        (lambda b: b["captures"][0].update(date="1969-12-31"), "captures[0].date"),
        (lambda b: b["captures"][0].update(captured_at="10:30"), "captures[0].captured_at"),
        (
            lambda b: b["captures"][0].update(captured_at="2100-01-01T00:00:00Z"),
            "captures[0].captured_at",
        ),
        (
            lambda b: b["captures"][0]["classes"][1].update(boys="many"),
            "captures[0].classes[1].boys",
        ),
        (lambda b: b["captures"][0]["classes"][1].update(boys=-1), "captures[0].classes[1].boys"),
        (
            lambda b: b["captures"][0]["classes"][1].update(girls=10**9),
            "captures[0].classes[1].girls",
        ),
        (
            lambda b: b["captures"][0]["classes"][1].update(class_no=13),
            "captures[0].classes[1].class_no",
        ),
        (
            lambda b: b["captures"][0]["classes"][1].pop("class_no"),
            "captures[0].classes[1].class_no",
        ),
        (
            lambda b: b["captures"][0]["staff"][0].update(status="present"),
            "captures[0].staff[0].status",
        ),
        (
            lambda b: b["captures"][0]["staff"][0].update(posting_id=None),
            "captures[0].staff[0].posting_id",
        ),
        (lambda b: b["captures"][0].update(meals_served=-5), "captures[0].meals_served"),
        # pydantic reads true and false as 1 and 0; the schema says integer (found by the fuzz).
        (lambda b: b["captures"][0].update(meals_served=False), "captures[0].meals_served"),
        (lambda b: b["captures"][0].update(school_id=True), "captures[0].school_id"),
        (
            lambda b: b["captures"][0]["classes"][1].update(boys=True),
            "captures[0].classes[1].boys",
        ),
        (
            lambda b: b["captures"][0]["staff"][0].update(posting_id=True),
            "captures[0].staff[0].posting_id",
        ),
        (lambda b: b["captures"][0].update(reason="x" * 301), "captures[0].reason"),
        (lambda b: b.update(device_id="d" * 65), "device_id"),
        (lambda b: b.update(device_id="d\x00"), "device_id"),  # PostgreSQL text cannot hold NUL
        (lambda b: b["captures"][0].update(reason="re\x00count"), "captures[0].reason"),
        (lambda b: b["captures"][0].update(reason="re\ud800count"), "captures[0].reason"),
        (lambda b: b.update(captures={"uuid": "x"}), "captures"),
        (lambda b: b.update(sent_at=12), "sent_at"),
        (lambda b: b.update(sent_at=1784091588000), "sent_at"),
        (lambda b: b["captures"][0].update(date=20260715), "captures[0].date"),
    ],
)
def test_schema_errors_are_422_naming_the_field(w, change, field):
    body = {"sent_at": iso(), "device_id": "phone-1", "captures": [capture_body(w)]}
    change(body)
    response = post_json(app_client(w.asha), "/api/v1/sync/captures", body)
    result = assert_bilingual_error(response, 422, "invalid")
    assert field in [e["field"] for e in result["errors"]], result["errors"]
    assert all(e["msg"] for e in result["errors"])
    assert not Capture.objects.exists()


@pytest.mark.parametrize(
    ("when", "taken"),
    [
        ("1970-01-01T00:00:00+05:30", True),  # 1969 in UTC: the year is judged as written
        ("2099-12-31T23:30:00-05:00", True),  # 2100 in UTC, likewise
        ("1969-12-31T23:59:59Z", False),
        ("2100-01-01T00:00:00+05:30", False),
        ("0358-11-14T05:05:57.1-09:33", False),
    ],
)
def test_the_schema_says_which_years_the_server_takes(w, when, taken):
    """The published pattern and the server agree: the fuzz sent times of the year 358 that
    the schema allowed and the server refused."""
    spec = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    for field in ("sent_at", "captured_at"):
        schema = spec["SingleCaptureIn"]["properties"][field]
        assert bool(re.search(schema["pattern"], when)) == taken
    day = when[:10]
    assert bool(re.search(spec["CaptureItemIn"]["properties"]["date"]["pattern"], day)) == taken
    body = {**capture_body(w), "captured_at": when, "sent_at": when, "date": day}
    response = post_json(app_client(w.asha), "/api/v1/sync/capture", body)
    if taken:  # a receipt: judged as a capture (rejected, here), not refused as a request
        assert "uuid" in response.json(), response.content
    else:
        fields = {e["field"] for e in assert_bilingual_error(response, 422, "invalid")["errors"]}
        assert fields == {"sent_at", "captured_at", "date"}


def test_the_schema_says_text_holds_no_nul(w):
    """A NUL is refused (PostgreSQL cannot store it): the schema says so with a pattern."""
    spec = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    for name, field in [
        ("TokenIn", "password"),
        ("UploadIn", "device_id"),
        ("CaptureItemIn", "reason"),
    ]:
        pattern = spec[name]["properties"][field]["pattern"]
        assert re.search(pattern, "re-count") and not re.search(pattern, "re\x00count")


@pytest.mark.parametrize("raw", ["", "null", "[]", "42", '"text"', "{}"])
def test_a_body_that_is_not_an_object_is_a_4xx(w, raw):
    response = post_json(app_client(w.asha), "/api/v1/sync/captures", raw)
    assert response.status_code in (400, 422)
    assert response.json()["code"] in ("invalid", "malformed_json")
    assert all(e["field"] for e in response.json().get("errors", []))


def test_huge_ids_in_the_path_are_404_not_an_overflow(w):
    client = app_client(w.bhavna)
    assert client.post(f"/api/v1/users/{2**80}/tokens/revoke").status_code == 404


def test_too_many_captures_in_a_batch_is_422(w):
    batch = [capture_body(w) for _ in range(MAX_CAPTURES_PER_BATCH + 1)]
    body = assert_bilingual_error(upload(app_client(w.asha), batch), 422, "invalid")
    assert body["errors"][0]["field"] == "captures"
    assert not Capture.objects.exists()


def test_a_body_over_the_size_limit_is_413(w):
    client = app_client(w.asha)
    body = {"sent_at": iso(), "captures": [], "device_id": "", "padding": " " * MAX_BODY_BYTES}
    response = post_json(client, "/api/v1/sync/captures", body)
    body = assert_bilingual_error(response, 413, "body_too_large")
    assert (
        body["message_en"] == "The request is larger than 1024 KB; send fewer captures at a time."
    )
    # Beyond what Django itself reads into memory: 413 as well, not Django's 400.
    huge = "[" + "0," * (3 * 1024 * 1024) + "0]"
    assert_bilingual_error(post_json(client, "/api/v1/sync/captures", huge), 413, "body_too_large")


# --- Fuzzing: whatever comes, never a 500 ----------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["2026-07-15", "2026-07-15T10:20:00+05:30", str(uuid.UUID(int=1)), "P", "a\x00b", "\ud800"]
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
PATHS = [
    ("sent_at",),
    ("device_id",),
    ("captures",),
    ("captures", 0),
    ("captures", 0, "uuid"),
    ("captures", 0, "school_id"),
    ("captures", 0, "date"),
    ("captures", 0, "captured_at"),
    ("captures", 0, "classes"),
    ("captures", 0, "classes", 0),
    ("captures", 0, "classes", 0, "class_no"),
    ("captures", 0, "classes", 0, "boys"),
    ("captures", 0, "classes", 2, "third_gender"),
    ("captures", 0, "staff"),
    ("captures", 0, "staff", 0, "posting_id"),
    ("captures", 0, "staff", 1, "status"),
    ("captures", 0, "meals_served"),
    ("captures", 0, "reason"),
]


def _set(body, path, value):
    for key in path[:-1]:
        body = body[key]
    body[path[-1]] = value


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=3))
def test_fuzzed_bodies_never_give_a_500(w, changes):
    from django.db import transaction

    body = {"sent_at": iso(), "device_id": "phone-1", "captures": [capture_body(w)]}
    for path, value in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _set(body, path, value)  # fails when an earlier change replaced a parent
    with transaction.atomic():
        client = app_client(w.asha, raise_request_exception=False)
        response = post_json(client, "/api/v1/sync/captures", body)
        transaction.set_rollback(True)
    assert response.status_code < 500, response.content[:500]
    assert response.status_code in (200, 400, 413, 422)


@FUZZ
@given(raw=st.one_of(json_values.map(json.dumps), st.text(max_size=200), st.binary(max_size=200)))
def test_any_json_or_garbage_never_gives_a_500(w, raw):
    from django.db import transaction

    with transaction.atomic():
        client = app_client(w.asha, raise_request_exception=False)
        for url in (
            "/api/v1/sync/captures",
            "/api/v1/sync/capture",
            "/api/v1/sync/receipts",
            "/api/v1/auth/token",
        ):
            response = post_json(client, url, raw)
            assert response.status_code < 500, (url, response.content[:500])
        transaction.set_rollback(True)


# --- The published spec --------------------------------------------------------------------


def test_openapi_documents_the_sync_api(w):
    spec = Client().get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/token", "delete"),
        ("/api/v1/users/{user_id}/tokens/revoke", "post"),
        ("/api/v1/sync/bootstrap", "get"),
        ("/api/v1/sync/captures", "post"),
        ("/api/v1/sync/capture", "post"),
        ("/api/v1/sync/receipts", "post"),
    ]:
        assert method in paths[path], (path, method)
    upload_op = paths["/api/v1/sync/captures"]["post"]
    assert "sync" in upload_op["tags"]
    assert upload_op["security"] == [{"TokenAuth": []}]
    assert {"200", "400", "413", "422"} <= set(upload_op["responses"])
    schemas = spec["components"]["schemas"]
    for name in (
        "UploadIn",
        "CaptureItemIn",
        "UploadOut",
        "ReceiptOut",
        "BootstrapOut",
        "ErrorOut",
        "ValidationErrorOut",
        "TokenOut",
    ):
        assert name in schemas, name
    assert schemas["ClassCountIn"]["properties"]["class_no"]["maximum"] == 12
    assert spec["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert (
        "security" not in paths["/api/v1/auth/token"]["post"]
        or paths["/api/v1/auth/token"]["post"]["security"] == []
    )


# --- Mid-day meals ---------------------------------------------------------------------


def test_bootstrap_lists_the_reasons_for_no_meal_in_both_languages(w):
    reasons = bootstrap(app_client(w.asha)).json()["meal_reasons"]
    assert [r["code"] for r in reasons] == [
        "no_grain",
        "no_cook",
        "no_fuel_funds",
        "local_holiday",
        "other",
    ]
    assert all(r["name_hi"] and r["name_en"] and r["name_hi"] != r["name_en"] for r in reasons)


def test_meals_not_served_with_a_reason_is_accepted(w):
    body = {**capture_body(w, meals=0), "meals_reason": "local_holiday"}
    receipt = upload(app_client(w.asha), [body]).json()["receipts"][0]
    assert (receipt["status"], receipt["version"]) == ("accepted", 1)
    assert Version.objects.get().meals_not_served == "local_holiday"


def test_meals_not_served_without_a_reason_is_rejected_naming_the_field(w):
    receipt = upload(app_client(w.asha), [capture_body(w, meals=0)]).json()["receipts"][0]
    assert (receipt["status"], receipt["code"]) == ("rejected", "invalid")
    assert [(e["field"], e["code"]) for e in receipt["errors"]] == [
        ("meals_reason", "reason_missing")
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"meals_reason": "rain"}, "meals_reason"),
        ({"meals_served": -3}, "meals_served"),
        ({"meals_note": "x" * 201}, "meals_note"),
    ],
)
def test_a_malformed_meal_entry_is_422_naming_the_field(w, change, field):
    response = upload(app_client(w.asha), [{**capture_body(w), **change}])
    assert response.status_code == 422
    assert field in json.dumps(response.json())
    assert not Capture.objects.exists()


def test_a_meal_officer_is_refused_and_nothing_is_stored(w):
    body = upload(app_client(w.meera), [capture_body(w)]).json()
    assert body["receipts"][0]["code"] == "not_allowed"
    single = post_json(
        app_client(w.meera),
        "/api/v1/sync/capture",
        {**capture_body(w), "sent_at": iso(), "device_id": "x"},
    )
    assert single.status_code == 403
    assert not Capture.objects.exists()
