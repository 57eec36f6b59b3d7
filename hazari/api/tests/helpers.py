"""Building requests to the sync API in tests (test_sync, test_tokens, the idempotency tests)."""

import datetime
import json
import uuid

from django.test import Client

from hazari.accounts.services import token_issue
from hazari.attendance.tests.conftest import DAY

# The tests' clock: a Wednesday in term, during the on-time window.
NOW = "2026-07-15 10:30 +0530"


def iso(day: datetime.date = DAY, hhmm: str = "10:30") -> str:
    return f"{day.isoformat()}T{hhmm}:00+05:30"


def app_client(user, device_id: str = "phone-1", **options) -> Client:
    """A client of the phone app, logged in with a token."""
    raw, _ = token_issue(user=user, device_id=device_id)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **options)


def capture_body(
    world,
    *,
    capture_id=None,
    present: int = 15,
    when: str = "10:25",
    day: datetime.date = DAY,
    school_id: int | None = None,
    reason: str = "",
    meals: int | None = None,
    classes: list | None = None,
    staff: list | None = None,
) -> dict:
    """A valid capture of school A (classes 1–5, Asha and Tarun posted) as the app sends it."""
    return {
        "uuid": str(capture_id or uuid.uuid4()),
        "school_id": school_id or world.school_a.pk,
        "date": day.isoformat(),
        "captured_at": iso(day, when),
        "classes": classes
        if classes is not None
        else [
            {"class_no": c, "boys": present, "girls": present, "third_gender": 0}
            for c in range(1, 6)
        ],
        "staff": staff
        if staff is not None
        else [
            {"posting_id": world.posting_asha.pk, "status": "P"},
            {"posting_id": world.posting_tarun.pk, "status": "L"},
        ],
        "meals_served": meals,
        "reason": reason,
    }


def post_json(client: Client, url: str, body, **extra):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", **extra)


def upload(
    client: Client, captures: list[dict], *, sent_at: str | None = None, device_id="phone-1"
):
    body = {"sent_at": sent_at or iso(), "device_id": device_id, "captures": captures}
    return post_json(client, "/api/v1/sync/captures", body)
