from django.contrib.auth import BACKEND_SESSION_KEY, get_user

from hazari.accounts.tests.test_login import login
from hazari.testing import PASSWORD


def test_a_request_reads_the_user_and_their_unit_in_one_query(
    world, client, django_assert_num_queries
):
    login(client, world.bhavna.username, PASSWORD)
    assert client.session[BACKEND_SESSION_KEY] == "hazari.accounts.backends.UserWithUnitBackend"
    request = client.get("/").wsgi_request
    request.session = client.session
    with django_assert_num_queries(2):  # the session, then the user with the unit
        user = get_user(request)
        assert user.unit == world.block_x


def test_an_inactive_user_is_logged_out(world, client):
    login(client, world.bhavna.username, PASSWORD)
    assert client.get("/dashboard/")["Location"].startswith("/dashboard/units/")
    world.bhavna.is_active = False
    world.bhavna.save()
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
