"""The JSON API, version 1. Its OpenAPI document is at /api/v1/openapi.json.

Every endpoint reaches data through hazari.accounts.scope, exactly as the web pages do.
"""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from hazari.accounts import scope
from hazari.api.schemas import ErrorOut, MeOut, UnitOut
from hazari.lib.http import AuthedRequest
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.models import Level, OrgUnit

api = NinjaAPI(
    title="Hazari API",
    version="1",
    description="Daily attendance of a state's government schools.",
    urls_namespace="api-v1",
    auth=django_auth,
)


def error(request: HttpRequest, status: int, code: str, message: str, **extra: object):
    """An error body with the message in both languages: the app shows the user's choice."""
    hindi, english = in_both_languages(message)
    body = {"code": code, "message_en": english, "message_hi": hindi, **extra}
    return api.create_response(request, body, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return error(request, 404, "not_found", gettext_noop("Not found in your area."))


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: AuthenticationError):
    return error(request, 401, "not_logged_in", gettext_noop("Log in first."))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError):
    return error(
        request, 422, "invalid", gettext_noop("The request is not valid."), errors=exc.errors
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


@api.get("/me", response=MeOut, summary="Who is logged in")
def me(request: AuthedRequest):
    user = request.user
    return MeOut(
        username=user.username,
        name=user.name,
        role=user.role,
        role_name=user.get_role_display(),
        unit=unit_out(user.unit) if user.unit else None,
    )


@api.get("/units/{unit_id}", response={200: UnitOut, 404: ErrorOut}, summary="One org unit")
def unit_detail(request: AuthedRequest, unit_id: int):
    return unit_out(scope.unit_for(request.user, unit_id))


@api.get(
    "/units/{unit_id}/children",
    response={200: list[UnitOut], 404: ErrorOut},
    summary="The units one level below",
)
def unit_children(request: AuthedRequest, unit_id: int):
    unit = scope.unit_for(request.user, unit_id)
    return [unit_out(u) for u in scope.units_for(request.user).children_of(unit)]
