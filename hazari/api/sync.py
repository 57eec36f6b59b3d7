"""The phone app's API: log-in, bootstrap, upload of captures, receipts.

    POST   /api/v1/auth/token                   log in: a bearer token
    DELETE /api/v1/auth/token                   log out: revoke the calling token
    POST   /api/v1/users/{user_id}/tokens/revoke   end a user's app log-ins (self, officer)
    GET    /api/v1/sync/bootstrap?school_id=    everything the app needs to work offline
    POST   /api/v1/sync/captures                a batch of captures → one receipt each
    POST   /api/v1/sync/capture                 one capture → its receipt, as an HTTP status
    POST   /api/v1/sync/receipts                the stored receipts of UUIDs sent earlier

Every capture goes through hazari.attendance.services.capture_submit on its own, each in its
own transaction: a crash half-way through a batch leaves the captures before it stored and
the rest not at all, and resending the whole batch completes it (stored ones answer with
their receipt and change nothing). A batch is answered 200 with a receipt per capture, even
when every capture is rejected: one bad capture must not block a phone's outbox. What is
wrong with the request itself (malformed JSON, a missing field, a wrong type, a value outside
what the schema allows, a body too large, too many captures) is answered 4xx for the whole
request. See docs/decisions.md, "Sync API".
"""

import datetime
from dataclasses import asdict
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Query, Router, Status

from hazari.accounts import scope
from hazari.accounts.models import User, normalize_user_id
from hazari.accounts.roles import SCHOOL_ROLES, may_revoke_tokens
from hazari.accounts.services import token_issue, token_revoke, tokens_revoke_for
from hazari.api.auth import session_auth, token_auth
from hazari.api.schemas import (
    MAX_BODY_BYTES,
    MAX_CAPTURES_PER_BATCH,
    MAX_COUNT,
    MAX_ID,
    MAX_UUIDS_PER_QUERY,
    BootstrapOut,
    CaptureItemIn,
    ErrorOut,
    ReceiptOut,
    ReceiptsIn,
    ReceiptsOut,
    RevokedOut,
    SingleCaptureIn,
    TokenIn,
    TokenOut,
    UnitOut,
    UploadIn,
    UploadOut,
    UserOut,
    ValidationErrorOut,
)
from hazari.attendance import services as attendance
from hazari.attendance.bootstrap import bootstrap_for
from hazari.attendance.models import Capture
from hazari.attendance.models import Status as CaptureStatus
from hazari.attendance.services import CaptureIn, ClassCount, Receipt, StaffMark
from hazari.lib.http import AuthedRequest
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import Level, School
from hazari.students.rollcall import Roll

router = Router(auth=token_auth, tags=["sync"])

LIMITS = {
    "max_captures_per_batch": MAX_CAPTURES_PER_BATCH,
    "max_body_bytes": MAX_BODY_BYTES,
    "max_uuids_per_query": MAX_UUIDS_PER_QUERY,
    "max_count": MAX_COUNT,
    "max_reason_length": 300,
}
# The database keeps a device's clock offset in seconds in a 32-bit integer. A clock off by
# more than this (a phone at 2099) is wrong either way and judged so (the capture is held or
# rejected as a wrong clock); the offset is kept at this bound.
MAX_OFFSET = datetime.timedelta(days=365 * 60)

WRONG_CREDENTIALS = gettext_noop("The user ID or the password is wrong.")
LOCKED = gettext_noop("Too many wrong attempts. Try again after some time.")
MUST_CHANGE_PASSWORD = gettext_noop(
    "Your password was reset. Set a new one on the Hazari website, then log in to the app."
)
MAY_NOT_REVOKE = gettext_noop("You cannot end this user's app log-ins.")
SCHOOL_REQUIRED = gettext_noop("Choose a school: an officer must give school_id.")
UNKNOWN_CAPTURE = gettext_noop("The server has not received this capture; send it again.")


def _user_out(user: User) -> UserOut:
    unit = user.unit
    return UserOut(
        id=user.pk,
        username=user.username,
        name=user.name,
        role=user.role,
        role_name=str(user.get_role_display()),
        unit=UnitOut(
            id=unit.pk,
            level=unit.level,
            level_name=Level(unit.level).name.lower(),
            code=unit.code,
            name_en=unit.name_en,
            name_hi=unit.name_hi,
            parent_id=unit.parent_id,
        )
        if unit is not None
        else None,
    )


def _own_school_id(user: User) -> int | None:
    """A head master's or teacher's school (a school's pk is its unit's)."""
    if user.role in SCHOOL_ROLES and user.unit is not None and user.unit.level == Level.SCHOOL:
        return user.unit_id
    return None


# --- Log-in and log-out --------------------------------------------------------------------


@router.post(
    "/auth/token",
    auth=None,
    response={
        200: TokenOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ValidationErrorOut,
        429: ErrorOut,
    },
    tags=["auth"],
    summary="Log the app in: a token for every other call",
)
def token_create(request, payload: TokenIn):
    """django-axes counts wrong passwords by user ID and IP, as for the web log-in, and locks
    the pair out for a while after too many (429)."""
    user_id = normalize_user_id(payload.user_id)
    user = authenticate(request, username=user_id, password=payload.password)
    if user is None:
        locked = getattr(request, "axes_locked_out", False)
        if locked or not AxesProxyHandler.is_allowed(request, {"username": user_id}):
            # Answered here in JSON; AxesMiddleware would replace the answer with its page.
            request.axes_locked_out = False
            return Status(429, ErrorOut.of("locked", LOCKED))
        return Status(401, ErrorOut.of("wrong_credentials", WRONG_CREDENTIALS))
    user = cast(User, user)
    # A log-in as far as django-axes (failures reset) and last_login are concerned.
    user_logged_in.send(sender=User, request=request, user=user)
    if user.must_change_password:
        return Status(403, ErrorOut.of("password_change_required", MUST_CHANGE_PASSWORD))
    raw, token = token_issue(user=user, device_id=payload.device_id)
    return TokenOut(
        token=raw,
        expires_at=timezone.localtime(token.expires_at),
        user=_user_out(user),
        school_id=_own_school_id(user),
    )


@router.delete(
    "/auth/token", response={204: None, 401: ErrorOut}, tags=["auth"], summary="Log the app out"
)
def token_delete(request: AuthedRequest):
    token_revoke(token=request.api_token)  # type: ignore[attr-defined]
    return Status(204, None)


@router.post(
    "/users/{user_id}/tokens/revoke",
    auth=[token_auth, session_auth],
    response={
        200: RevokedOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ValidationErrorOut,
    },
    tags=["auth"],
    summary="End every app log-in of a user (the user, or an officer above them)",
)
def tokens_revoke(request: AuthedRequest, user_id: int):
    target = scope.account_for(request.user, user_id)
    if not may_revoke_tokens(request.user, target):
        return Status(403, ErrorOut.of("forbidden", MAY_NOT_REVOKE))
    return RevokedOut(revoked=tokens_revoke_for(actor=request.user, target=target))


# --- Bootstrap ---------------------------------------------------------------------------

# What a phone holds of the register: up to 12 `class:hash` pairs, or nothing.
HAVE_PATTERN = r"^(|([1-9]|1[0-2]):[0-9a-f]{12}(,([1-9]|1[0-2]):[0-9a-f]{12}){0,11})$"


@router.get(
    "/sync/bootstrap",
    response={200: BootstrapOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Everything the app needs to work offline, for one school",
)
def bootstrap(
    request: AuthedRequest,
    school_id: int | None = Query(None, ge=1, le=MAX_ID),
    have: str | None = Query(
        None,
        max_length=12 * 16,
        pattern=HAVE_PATTERN,
        description="The register the phone holds, as `student_register.classes` gave it: "
        "`class:hash` pairs, comma-separated (empty: none). Then only the classes that "
        "changed are sent.",
    ),
):
    """A head master or teacher gets their own school; an officer names a school of their
    area with `school_id`. A school outside the user's area is 404."""
    school = school_asked(request, school_id)
    if isinstance(school, Status):
        return school
    held = None if have is None else dict(p.split(":") for p in have.split(",") if p)
    return bootstrap_for(school, limits=LIMITS, have=held)


def school_asked(request: AuthedRequest, school_id: int | None) -> School | Status:
    """The school a phone's request is for: the one given (404 outside the user's area), or
    a head master's or teacher's own; an officer who gives none is answered 422."""
    if school_id is None:
        school_id = _own_school_id(request.user)
    if school_id is None:
        body = ErrorOut.of("school_required", SCHOOL_REQUIRED)
        error = {"field": "school_id", "loc": ["query", "school_id"], "type": "missing"}
        return Status(422, {**body.dict(), "errors": [{**error, "msg": body.message_en}]})
    return scope.school_for(request.user, school_id)


# --- Upload ------------------------------------------------------------------------------


def _capture_in(item: CaptureItemIn) -> CaptureIn:
    return CaptureIn(
        uuid=item.uuid,
        school_id=item.school_id,
        date=item.date,
        captured_at=item.captured_at,
        classes=[ClassCount(c.class_no, c.boys, c.girls, c.third_gender) for c in item.classes],
        staff=[StaffMark(s.posting_id, s.status) for s in item.staff],
        meals_served=item.meals_served,
        reason=item.reason,
        meals_reason=item.meals_reason or "",
        meals_note=item.meals_note,
        roll=Roll(
            tuple(item.roll.present),
            tuple(item.roll.absent),
            tuple(item.roll.late),
            tuple(item.roll.left_early),
        )
        if item.roll is not None
        else None,
    )


def _clock_offset(now: datetime.datetime, sent_at: datetime.datetime) -> datetime.timedelta:
    """Server time − the device's sent-at time, measured on this request."""
    return max(-MAX_OFFSET, min(MAX_OFFSET, now - sent_at))


def _submit(request: AuthedRequest, item: CaptureItemIn, *, now, offset, sent_at, device_id):
    return attendance.capture_submit(
        user=request.user,
        data=_capture_in(item),
        received_at=now,
        clock_offset=offset,
        sent_at=sent_at,
        device_id=device_id or request.api_token.device_id,  # type: ignore[attr-defined]
    )


@router.post(
    "/sync/captures",
    response={
        200: UploadOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="Upload a batch of captures: one receipt each",
)
def captures_upload(request: AuthedRequest, payload: UploadIn):
    """Idempotent: a capture already stored (same UUID, same content) answers with its stored
    receipt and changes nothing; the same UUID with other content answers `conflict`. Each
    receipt: accepted / late / held / rejected, a machine-readable code, the message in Hindi
    and English, the day's version number when stored, and for a capture with mistakes
    (code `invalid`) the fields and reasons in `errors`."""
    now = timezone.now()
    offset = _clock_offset(now, payload.sent_at)
    receipts = [
        _receipt_out(
            _submit(
                request,
                item,
                now=now,
                offset=offset,
                sent_at=payload.sent_at,
                device_id=payload.device_id,
            )
        )
        for item in payload.captures
    ]
    return UploadOut(
        server_time=timezone.localtime(now),
        clock_offset_seconds=round(offset.total_seconds()),
        receipts=receipts,
    )


def _receipt_out(receipt: Receipt) -> ReceiptOut:
    return ReceiptOut.model_validate(asdict(receipt))


def _single_status(receipt: Receipt) -> int:
    if receipt.status in (CaptureStatus.ACCEPTED, CaptureStatus.LATE):
        return 201
    if receipt.status == CaptureStatus.HELD:
        return 202
    return {"conflict": 409, "school_outside_area": 404, "not_allowed": 403}.get(receipt.code, 422)


@router.post(
    "/sync/capture",
    response={
        201: ReceiptOut,
        202: ReceiptOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ReceiptOut,
        404: ReceiptOut,
        409: ReceiptOut,
        413: ErrorOut,
        422: ReceiptOut | ValidationErrorOut,
    },
    summary="Upload one capture: its receipt, with an HTTP status",
)
def capture_upload(request: AuthedRequest, payload: SingleCaptureIn):
    """For simple clients. 201 accepted or late, 202 held for an officer's review, 403 a user
    whose role enters no attendance, 404 a school outside the user's area, 409 the UUID was
    used for other content, 422 rejected: for code `invalid`, `errors` names each field and
    the reason. A resend answers the same."""
    now = timezone.now()
    receipt = _submit(
        request,
        payload,
        now=now,
        offset=_clock_offset(now, payload.sent_at),
        sent_at=payload.sent_at,
        device_id=payload.device_id,
    )
    return Status(_single_status(receipt), _receipt_out(receipt))


# --- Receipts ----------------------------------------------------------------------------


@router.post(
    "/sync/receipts",
    response={
        200: ReceiptsOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ValidationErrorOut,
    },
    summary="The stored receipts of captures sent earlier",
)
def receipts(request: AuthedRequest, payload: ReceiptsIn):
    """One receipt per UUID asked, in the order asked. A capture the server does not have
    (never arrived, or of a school outside the user's area) is `unknown`: send it again."""
    stored = {
        c.uuid: c
        for c in Capture.objects.select_related("version").filter(
            pk__in=set(payload.uuids), school__in=scope.schools_for(request.user)
        )
    }
    hindi, english = in_both_languages(UNKNOWN_CAPTURE)
    out = []
    for uuid in payload.uuids:
        capture = stored.get(uuid)
        if capture is None:
            out.append(
                ReceiptOut(
                    uuid=uuid,
                    status="unknown",
                    code="unknown",
                    message_hi=hindi,
                    message_en=english,
                    version=None,
                    errors=[],
                )
            )
        else:
            out.append(_receipt_out(Receipt.of_capture(capture)))
    return ReceiptsOut(server_time=timezone.localtime(), receipts=out)
