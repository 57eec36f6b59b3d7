import pytest
from django.test import Client

from hazari.accounts.models import User
from hazari.schooldays.services import session_ensure
from hazari.schooldays.tests.helpers import closure, working_day


@pytest.mark.parametrize(
    "path",
    [
        "/admin/schooldays/academicsession/",
        "/admin/schooldays/closure/",
        "/admin/schooldays/closure/add/",
        "/admin/schooldays/workingday/",
    ],
)
def test_admin_pages_open(world, path):
    session_ensure(start_year=2026, state=world.state)
    closure(world.block_x, "2026-07-15", by=world.bhavna)
    working_day(world.state, "2026-07-19")
    root = User.objects.create_superuser("ROOT", "a-long-admin-password", name="Root")
    client = Client()
    client.force_login(root)
    assert client.get(path).status_code == 200
