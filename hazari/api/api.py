"""The JSON API, version 1. Its OpenAPI document is at /api/v1/openapi.json.

Every endpoint reaches data through hazari.accounts.scope, exactly as the web pages do.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from hazari.accounts import scope
from hazari.api.auth import session_auth, token_auth
from hazari.api.schemas import MAX_BODY_BYTES, ErrorOut, MeOut, UnitOut, ValidationErrorOut
from hazari.lib.http import AuthedRequest
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import Level, OrgUnit


class BodyTooLarge(Exception):
    pass


class JsonParser(Parser):
    """JSON bodies, up to MAX_BODY_BYTES: larger ones are refused before they are parsed."""

    def parse_body(self, request: HttpRequest):
        # Django has read the body by now, refusing (RequestDataTooBig, answered 413 below)
        # one declared larger than DATA_UPLOAD_MAX_MEMORY_SIZE without reading it.
        if len(request.body) > MAX_BODY_BYTES:
            raise BodyTooLarge
        return super().parse_body(request)


api = NinjaAPI(
    title="Hazari API",
    version="1",
    description="Daily attendance of a state's government schools. The phone app logs in "
    "with POST /api/v1/auth/token and sends `Authorization: Bearer <token>`; the web pages' "
    "session works for the endpoints not tagged sync.",
    urls_namespace="api-v1",
    auth=[token_auth, session_auth],
    parser=JsonParser(),
)


def error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    *,
    params: dict | None = None,
    **extra: object,
):
    """An error body with the message in both languages: the app shows the user's choice."""
    hindi, english = in_both_languages(message, **(params or {}))
    body = {"code": code, "message_en": english, "message_hi": hindi, **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return error(request, 404, "not_found", gettext_noop("Not found in your area."))


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError):
    return error(request, 401, "not_logged_in", gettext_noop("Log in first."))


def _field(loc) -> str:
    """("body", "payload", "captures", 0, "classes", 2, "boys") → "captures[0].classes[2].boys"."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "body":
        parts = parts[2:]  # the body and the name of the view's parameter
    elif parts and parts[0] in ("query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    """Which field, and why: ninja's loc, msg and type, and the field as a path. The input
    and pydantic's context are left out (they may be large, or not JSON)."""
    errors = [
        {
            "field": _field(e.get("loc", ())),
            "loc": list(e.get("loc", ())),
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors
    ]
    return error(request, 422, "invalid", gettext_noop("The request is not valid."), errors=errors)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: Exception):
    return error(
        request,
        413,
        "body_too_large",
        gettext_noop("The request is larger than %(kb)s KB; send fewer captures at a time."),
        params={"kb": MAX_BODY_BYTES // 1024},
    )


@api.exception_handler(PermissionError)
def forbidden(request: HttpRequest, exc: PermissionError):
    return error(request, 403, "forbidden", gettext_noop("You are not allowed to do this."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """ninja's own errors: a body it could not parse (400), and the like."""
    if isinstance(exc.__cause__, BodyTooLarge):
        return too_large(request, exc)
    if exc.status_code == 400 and exc.__cause__ is not None:
        return error(
            request, 400, "malformed_json", gettext_noop("The request body is not valid JSON.")
        )
    if exc.status_code == 403:
        return forbidden(request, PermissionError())
    return error(
        request,
        exc.status_code,
        "error",
        gettext_noop("The request could not be handled."),
    )


def unit_out(unit: OrgUnit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        level=unit.level,
        level_name=Level(unit.level).name.lower(),
        code=unit.code,
        name_en=unit.name_en,
        name_hi=unit.name_hi,
        parent_id=unit.parent_id,
    )


@api.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who is logged in")
def me(request: AuthedRequest):
    user = request.user
    return MeOut(
        username=user.username,
        name=user.name,
        role=user.role,
        role_name=user.get_role_display(),
        unit=unit_out(user.unit) if user.unit else None,
    )


@api.get(
    "/units/{unit_id}",
    response={200: UnitOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="One org unit",
)
def unit_detail(request: AuthedRequest, unit_id: int):
    return unit_out(scope.unit_for(request.user, unit_id))


@api.get(
    "/units/{unit_id}/children",
    response={200: list[UnitOut], 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="The units one level below",
)
def unit_children(request: AuthedRequest, unit_id: int):
    unit = scope.unit_for(request.user, unit_id)
    return [unit_out(u) for u in scope.units_for(request.user).children_of(unit)]


# The phone app's endpoints (tags auth and sync); their own auth is the bearer token only.
from hazari.api.sync import router as sync_router  # noqa: E402

api.add_router("/", sync_router)

# The phone app's read of its school's last 30 days: beside the sync contract, not in it.
from hazari.app.api import router as app_router  # noqa: E402

api.add_router("/", app_router)

# The follow-up of students who miss school (issue 15): the list and the phone's entries.
from hazari.api.students import router as students_router  # noqa: E402

api.add_router("/", students_router)
