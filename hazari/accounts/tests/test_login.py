import pytest
from django.test import Client

from hazari.testing import PASSWORD


def login(client: Client, username: str, password: str, ip: str = "10.9.8.7"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_with_user_id_in_any_case(world):
    client = Client()
    response = login(client, " emp3001 ", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"] == world.bhavna


def test_home_shows_who_and_where(world):
    client = Client()
    login(client, world.asha.username, PASSWORD)
    page = client.get("/").content.decode()
    assert "Asha Verma" in page
    assert "शा.प्रा.शा. कोलार" in page  # the school, in Hindi
    assert "फंदा" in page  # its block


def test_wrong_password_is_refused_with_a_message(world):
    response = login(Client(), world.asha.username, "nope")
    assert response.status_code == 200
    assert "यूज़र आईडी या पासवर्ड गलत है।" in response.content.decode()


def test_lockout_is_per_user_id_and_ip(world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), world.asha.username, "nope", ip="10.0.0.1")
    # Locked: even the right password is refused, with 429.
    assert login(Client(), world.asha.username, PASSWORD, ip="10.0.0.1").status_code == 429
    # Another head master behind the same carrier IP is not locked out.
    assert login(Client(), world.hari.username, PASSWORD, ip="10.0.0.1").status_code == 302
    # Nor is the same head master from another network.
    assert login(Client(), world.asha.username, PASSWORD, ip="10.0.0.2").status_code == 302


def test_case_variants_count_as_the_same_user_id_for_lockout(world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        name = "emp1001" if i % 2 else "EMP1001"
        login(Client(), name, "nope", ip="10.0.0.3")
    assert login(Client(), "Emp1001", PASSWORD, ip="10.0.0.3").status_code == 429


def test_inactive_user_cannot_log_in(world):
    world.asha.is_active = False
    world.asha.save()
    assert login(Client(), world.asha.username, PASSWORD).status_code == 200


def test_logout_needs_post_and_ends_the_session(world):
    client = Client()
    login(client, world.asha.username, PASSWORD)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("path", ["/", "/units/1/", "/users/1/", "/password/change/"])
def test_pages_need_log_in(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
