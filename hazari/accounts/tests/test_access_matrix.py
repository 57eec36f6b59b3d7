"""The access matrix: every role × every endpoint × an object outside the user's area.

Later issues add their endpoints to ENDPOINTS. Each entry names the object it targets
(a unit, a school or an account) and whether it writes; for every user, a target is picked
outside their area, and the answer must be 404 (or 403) with nothing changed.
"""

import pytest
from django.test import Client

from hazari.accounts import scope
from hazari.accounts.models import AccountEvent, User
from hazari.orgunits.models import OrgUnit

# (method, url template, what {pk} is)
ENDPOINTS = [
    ("get", "/units/{pk}/", "unit"),
    ("get", "/api/v1/units/{pk}", "unit"),
    ("get", "/api/v1/units/{pk}/children", "unit"),
    ("get", "/users/{pk}/", "account"),
    ("post", "/users/{pk}/reset-password/", "account"),
]

PEOPLE = ["asha", "tarun", "hari", "chetan", "dev", "bhavna", "yash", "dinesh", "zoya"]


def outside_target(world, who: User, kind: str):
    """An object of the given kind that lies outside the user's area."""
    if kind == "unit":
        return OrgUnit.objects.exclude(pk__in=scope.units_for(who)).order_by("-level").first()
    return User.objects.exclude(pk__in=scope.users_for(who)).order_by("pk").first()


def snapshot() -> tuple:
    return (
        list(User.objects.order_by("pk").values_list("password", "must_change_password")),
        AccountEvent.objects.count(),
    )


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize(("method", "url", "kind"), ENDPOINTS)
def test_nobody_reaches_outside_their_area(world, person, method, url, kind):
    who = getattr(world, person)
    target = outside_target(world, who, kind)
    assert target is not None, "the world must have something outside every area"
    client = Client()
    client.force_login(who)
    before = snapshot()

    response = getattr(client, method)(url.format(pk=target.pk))

    assert response.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "kind"), ENDPOINTS)
def test_anonymous_reaches_nothing(world, method, url, kind):
    target = world.school_a.unit if kind == "unit" else world.asha
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
