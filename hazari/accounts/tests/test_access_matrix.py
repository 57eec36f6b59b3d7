"""The access matrix: every role × every endpoint × an object outside the user's area.

Each app lists its endpoints in `<app>/tests/matrix.py`:
  ENDPOINTS  [(method, url template with {pk}, target kind, POST data or None[, options])]
             options {"auth": "token"}: log in with an app token (Authorization: Bearer),
             for the API endpoints that take no session
  TARGETS    {target kind: function(world, user) -> an object outside the user's area}
  snapshot() a value that changes whenever the app's tables change
For every person of the test world, every endpoint is called on an object outside their area;
the answer must be 403 or 404 with nothing changed anywhere.
"""

import importlib

import pytest
from django.test import Client

from hazari.accounts import scope
from hazari.accounts.models import AccountEvent, User
from hazari.orgunits.models import OrgUnit, School

MATRIX_MODULES = [
    "hazari.imports.tests.matrix",
    "hazari.registers.tests.matrix",
    "hazari.staff.tests.matrix",
    "hazari.schooldays.tests.matrix",
    "hazari.api.tests.matrix",
    "hazari.attendance.tests.matrix",
    "hazari.app.tests.matrix",
    "hazari.dashboards.tests.matrix",
    "hazari.meals.tests.matrix",
    "hazari.students.tests.matrix",
]


def _outside_unit(world, who: User):
    return OrgUnit.objects.exclude(pk__in=scope.units_for(who)).order_by("-level", "pk").first()


def _outside_school(world, who: User):
    return School.objects.exclude(pk__in=scope.schools_for(who)).order_by("pk").first()


def _outside_account(world, who: User):
    return User.objects.exclude(pk__in=scope.users_for(who)).order_by("pk").first()


ENDPOINTS: list[tuple[str, str, str, dict | None]] = [
    ("get", "/units/{pk}/", "unit", None),
    ("get", "/api/v1/units/{pk}", "unit", None),
    ("get", "/api/v1/units/{pk}/children", "unit", None),
    ("get", "/users/{pk}/", "account", None),
    ("post", "/users/{pk}/reset-password/", "account", {}),
]
TARGETS = {"unit": _outside_unit, "school": _outside_school, "account": _outside_account}
SNAPSHOTS = [
    lambda: list(User.objects.order_by("pk").values_list("password", "must_change_password")),
    lambda: AccountEvent.objects.count(),
    lambda: list(OrgUnit.objects.order_by("pk").values_list("pk", "name_en", "is_active")),
]

for name in MATRIX_MODULES:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name != name:
            raise
        continue
    ENDPOINTS += module.ENDPOINTS
    TARGETS.update(getattr(module, "TARGETS", {}))
    if hasattr(module, "snapshot"):
        SNAPSHOTS.append(module.snapshot)

# Every entry with its options ({} when it has none).
CASES: list[tuple] = [(*e, {}) if len(e) == 4 else e for e in ENDPOINTS]

PEOPLE = ["asha", "tarun", "hari", "chetan", "dev", "bhavna", "yash", "dinesh", "zoya", "meera"]


def snapshot() -> list:
    return [take() for take in SNAPSHOTS]


def _client_for(who: User, options: dict) -> Client:
    if options.get("auth") == "token":
        from hazari.accounts.services import token_issue

        raw, _ = token_issue(user=who, device_id="matrix")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client = Client()
    client.force_login(who)
    return client


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("method", "url", "kind", "data", "options"), CASES)
def test_nobody_reaches_outside_their_area(world, person, method, url, kind, data, options):
    who = getattr(world, person)
    target = TARGETS[kind](world, who)
    assert target is not None, f"the world must have a {kind} outside {person}'s area"
    client = _client_for(who, options)
    before = snapshot()

    if method == "post":
        response = client.post(url.format(pk=target.pk), data or {})
    else:
        response = client.get(url.format(pk=target.pk))

    assert response.status_code in (403, 404), response.status_code
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "kind", "data", "options"), CASES)
def test_anonymous_reaches_nothing(world, method, url, kind, data, options):
    target = TARGETS[kind](world, world.asha)
    before = snapshot()
    response = getattr(Client(), method)(url.format(pk=target.pk))
    assert response.status_code in (302, 401, 403)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("person", "target", "status"),
    [
        ("bhavna", "school_a", 200),  # block officer, school in her block
        ("dinesh", "school_c", 200),  # district officer, school in another block of his district
        ("chetan", "school_b", 200),  # cluster officer, school in his cluster
        ("asha", "school_a", 200),  # head master, her own school
        ("asha", "school_b", 404),  # head master, a neighbouring school in the same cluster
        ("tarun", "school_b", 404),
        ("yash", "school_a", 404),  # another block's officer
        ("zoya", "school_a", 404),  # another district's officer
        ("sunita", "school_d", 200),
    ],
)
def test_unit_page_inside_and_outside(world, person, target, status):
    client = Client()
    client.force_login(getattr(world, person))
    assert client.get(f"/units/{getattr(world, target).pk}/").status_code == status
