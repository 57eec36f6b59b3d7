import pytest
from django.test import Client

from hazari.accounts.models import User


@pytest.fixture
def admin_client_(world):
    root = User.objects.create_superuser("ROOT", "a-long-admin-password", name="Root")
    client = Client()
    client.force_login(root)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/orgunits/orgunit/",
        "/admin/orgunits/school/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/accountevent/",
        "/admin/registers/enrolment/",
    ],
)
def test_admin_pages_open(admin_client_, path):
    assert admin_client_.get(path).status_code == 200


def test_admin_user_change_page(admin_client_, world):
    assert admin_client_.get(f"/admin/accounts/user/{world.asha.pk}/change/").status_code == 200


def test_admin_is_closed_to_officers(world):
    client = Client()
    client.force_login(world.arjun)
    assert client.get("/admin/accounts/user/").status_code == 302
