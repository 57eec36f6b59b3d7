"""The one read the phone app needs beyond sync API v1: its school's last 30 days.

    GET /api/v1/app/history?school_id=    the server's record of each of the last 30 days

An addition beside the sync contract (hazari/api/sync.py), not a change to it: bootstrap
carries the calendar from a week back only, and receipts answer for this phone's own
captures, so neither says what the server holds for a day reported from the website or
another phone, or approved by an officer after being held. Bearer token only, like sync.
"""

import datetime

from django.utils import timezone
from ninja import Query, Router, Schema

from hazari.accounts import scope
from hazari.accounts.roles import SCHOOL_ROLES
from hazari.api.auth import token_auth
from hazari.api.schemas import MAX_ID, ErrorOut, ValidationErrorOut
from hazari.app.history import HISTORY_DAYS, history_for
from hazari.lib.http import AuthedRequest
from hazari.orgunits.models import Level

router = Router(auth=token_auth, tags=["app"])


class HistoryDayOut(Schema):
    date: datetime.date
    open: bool
    label_hi: str
    label_en: str
    reported: bool
    on_time: bool | None
    version: int | None
    status: str | None
    present: int | None
    meals_served: int | None
    held: bool


class HistoryOut(Schema):
    server_time: datetime.datetime
    school_id: int
    days: list[HistoryDayOut]


@router.get(
    "/app/history",
    response={200: HistoryOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary=f"The school's last {HISTORY_DAYS} days, as the server holds them",
)
def history(request: AuthedRequest, school_id: int | None = Query(None, ge=1, le=MAX_ID)):
    """Newest first. A head master or teacher gets their own school; anyone else names a
    school of their area. A school outside the user's area is 404."""
    user = request.user
    own = user.role in SCHOOL_ROLES and user.unit is not None and user.unit.level == Level.SCHOOL
    if school_id is None and own:
        school_id = user.unit_id
    school = scope.school_for(user, school_id or 0)
    now = timezone.localtime()
    return HistoryOut(
        server_time=now,
        school_id=school.pk,
        days=history_for(school, now.date()),  # type: ignore[arg-type]
    )
