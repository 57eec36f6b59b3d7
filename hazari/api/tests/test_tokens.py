"""App log-in: tokens that expire, are revoked by the user or an officer above them, and are
needed on every call."""

import datetime
import hashlib

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from hazari.accounts.models import ApiToken
from hazari.accounts.services import token_issue
from hazari.api.tests.helpers import app_client, post_json
from hazari.testing import PASSWORD


def log_in(user_id: str, password: str = PASSWORD, *, ip: str = "10.9.8.7", device_id="phone-1"):
    return post_json(
        Client(),
        "/api/v1/auth/token",
        {"user_id": user_id, "password": password, "device_id": device_id},
        REMOTE_ADDR=ip,
    )


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_log_in_returns_a_token_that_works_and_only_its_hash_is_stored(w):
    response = log_in(" 23320100101 ")  # the user ID in any case, with stray spaces
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "23320100101"
    assert body["user"]["role"] == "hm"
    assert body["school_id"] == w.school_a.pk
    assert body["expires_at"] == "2026-08-14T10:30:00+05:30"  # API_TOKEN_DAYS = 30
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in {stored.key_hash, stored.device_id}
    assert stored.device_id == "phone-1" and stored.user == w.asha
    assert bearer(body["token"]).get("/api/v1/sync/bootstrap").status_code == 200
    assert bearer(body["token"]).get("/api/v1/me").json()["username"] == "23320100101"


def test_officer_log_in_has_no_school(w):
    body = log_in("emp3001").json()
    assert body["school_id"] is None
    assert body["user"]["unit"]["id"] == w.block_x.pk


def test_wrong_password_is_401_in_both_languages(w):
    response = log_in(w.asha.username, "nope")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "wrong_credentials"
    assert body["message_en"] == "The user ID or the password is wrong."
    assert body["message_hi"] == "यूज़र आईडी या पासवर्ड गलत है।"
    assert not ApiToken.objects.exists()


def test_unknown_and_inactive_users_are_refused_alike(w):
    w.tarun.is_active = False
    w.tarun.save()
    assert log_in("NOBODY99").status_code == 401
    assert log_in(w.tarun.username).status_code == 401


def test_lockout_by_user_id_and_ip_is_429_in_json(w, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(w.asha.username, "nope", ip="10.0.0.1").status_code == 401
    last = log_in(w.asha.username, "nope", ip="10.0.0.1")
    assert last.status_code == 429
    assert last["Content-Type"].startswith("application/json")
    locked = log_in(w.asha.username, ip="10.0.0.1")  # even the right password
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked"
    assert locked.json()["message_hi"] == "बहुत अधिक गलत प्रयास। कुछ समय बाद फिर से प्रयास करें।"
    # Another head master behind the same carrier IP, and the same one elsewhere, are not.
    assert log_in(w.hari.username, ip="10.0.0.1").status_code == 200
    assert log_in(w.asha.username, ip="10.0.0.2").status_code == 200
    assert ApiToken.objects.filter(user=w.asha).count() == 1


def test_web_and_app_failures_count_together(w, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(
            "/login/", {"username": "emp1001", "password": "nope"}, REMOTE_ADDR="10.0.0.3"
        )
    assert log_in("EMP1001", ip="10.0.0.3").status_code == 429


def test_success_resets_the_failure_count(w, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(w.asha.username, "nope", ip="10.0.0.4")
    assert log_in(w.asha.username, ip="10.0.0.4").status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(w.asha.username, "nope", ip="10.0.0.4")
    assert log_in(w.asha.username, ip="10.0.0.4").status_code == 200


def test_a_reset_password_must_be_changed_on_the_website_first(w):
    w.asha.must_change_password = True
    w.asha.save()
    response = log_in(w.asha.username)
    assert response.status_code == 403
    assert response.json()["code"] == "password_change_required"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": PASSWORD}, "user_id"),
        ({"user_id": "EMP3001"}, "password"),
        ({"user_id": 5, "password": PASSWORD}, "user_id"),
        ({"user_id": "EMP3001", "password": PASSWORD, "device_id": "x" * 65}, "device_id"),
        ({"user_id": "EMP\x003001", "password": PASSWORD}, "user_id"),
        ({"user_id": "EMP3001", "password": PASSWORD, "device_id": "a\x00"}, "device_id"),
    ],
)
def test_log_in_with_bad_fields_is_422_naming_them(w, body, field):
    response = post_json(Client(), "/api/v1/auth/token", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_token_expires(w, settings):
    settings.API_TOKEN_DAYS = 2
    raw, _ = token_issue(user=w.asha)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2, seconds=-1)):
        assert bearer(raw).get("/api/v1/sync/bootstrap").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = bearer(raw).get("/api/v1/sync/bootstrap")
        assert response.status_code == 401
        assert response.json()["code"] == "not_logged_in"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nonsense", "Token {raw}", "Basic {raw}", "Bearer " + "x" * 5000],
)
def test_every_sync_call_needs_a_live_token(w, header):
    raw, _ = token_issue(user=w.asha)
    client = Client(HTTP_AUTHORIZATION=header.format(raw=raw)) if header else Client()
    assert client.get("/api/v1/sync/bootstrap").status_code == 401
    assert post_json(client, "/api/v1/sync/captures", {}).status_code == 401
    assert post_json(client, "/api/v1/sync/receipts", {"uuids": []}).status_code == 401
    assert client.delete("/api/v1/auth/token").status_code == 401


def test_sync_endpoints_do_not_take_the_web_session(w):
    client = Client()
    client.force_login(w.asha)
    assert client.get("/api/v1/sync/bootstrap").status_code == 401
    assert client.get("/api/v1/me").status_code == 200  # the older endpoints still do


def test_deactivated_user_token_stops_working(w):
    client = app_client(w.asha)
    w.asha.is_active = False
    w.asha.save()
    assert client.get("/api/v1/sync/bootstrap").status_code == 401


def test_last_used_is_written_at_most_every_few_minutes(w, django_assert_num_queries):
    raw, _ = token_issue(user=w.asha)
    client = bearer(raw)
    client.get("/api/v1/me")
    first = ApiToken.objects.get().last_used_at
    assert first is not None and first == timezone.now()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4)):
        with django_assert_num_queries(1):  # the token and its user; no write
            client.get("/api/v1/me")
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        client.get("/api/v1/me")
        later = ApiToken.objects.get().last_used_at
        assert later is not None and later > first


def test_log_out_revokes_only_the_calling_token(w):
    phone = log_in(w.asha.username, device_id="phone").json()["token"]
    tablet = log_in(w.asha.username, device_id="tablet").json()["token"]
    response = bearer(phone).delete("/api/v1/auth/token")
    assert response.status_code == 204
    assert bearer(phone).get("/api/v1/sync/bootstrap").status_code == 401
    assert bearer(tablet).get("/api/v1/sync/bootstrap").status_code == 200
    revoked = ApiToken.objects.get(device_id="phone")
    assert revoked.revoked_at == timezone.now() and revoked.revoked_by == w.asha


def revoke(client: Client, user):
    return client.post(f"/api/v1/users/{user.pk}/tokens/revoke")


def test_block_officer_revokes_a_head_masters_tokens(w):
    tokens = [token_issue(user=w.asha)[0] for _ in range(2)]
    other = token_issue(user=w.tarun)[0]
    response = revoke(app_client(w.bhavna), w.asha)
    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert all(bearer(t).get("/api/v1/me").status_code == 401 for t in tokens)
    assert bearer(other).get("/api/v1/me").status_code == 200
    assert set(ApiToken.objects.filter(user=w.asha).values_list("revoked_by", flat=True)) == {
        w.bhavna.pk
    }


def test_officer_revokes_from_the_web_session_too(w):
    raw, _ = token_issue(user=w.asha)
    client = Client()
    client.force_login(w.dinesh)
    assert revoke(client, w.asha).json() == {"revoked": 1}
    assert bearer(raw).get("/api/v1/me").status_code == 401


def test_a_user_revokes_all_their_own_tokens(w):
    lost = token_issue(user=w.asha)[0]
    client = app_client(w.asha)
    assert revoke(client, w.asha).json() == {"revoked": 2}
    assert bearer(lost).get("/api/v1/me").status_code == 401


def test_another_blocks_officer_gets_404_and_changes_nothing(w):
    raw, _ = token_issue(user=w.asha)
    response = revoke(app_client(w.yash), w.asha)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert bearer(raw).get("/api/v1/me").status_code == 200


@pytest.mark.parametrize(
    ("actor", "target", "status"),
    [
        ("bhavna", "dev", 200),  # the block's DDO ranks below its block officer
        ("dev", "bhavna", 403),  # ...not the other way round
        ("tarun", "asha", 403),  # a teacher and her head master
        ("asha", "tarun", 403),  # a head master is no officer
        ("chetan", "bhavna", 404),  # the block officer is outside the cluster officer's area
        ("zoya", "dinesh", 404),  # another district's officer
    ],
)
def test_only_an_officer_above_may_revoke(w, actor, target, status):
    who, whom = getattr(w, actor), getattr(w, target)
    raw, _ = token_issue(user=whom)
    response = revoke(app_client(who), whom)
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[status]
        assert bearer(raw).get("/api/v1/me").status_code == 200


def test_revoke_with_a_dead_token_is_401_not_a_csrf_403(w):
    # The CSRF check is for a logged-in session; without one the answer is "log in first".
    raw, _ = token_issue(user=w.asha)
    bearer(raw).delete("/api/v1/auth/token")
    for client in (
        Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}"),
        Client(enforce_csrf_checks=True),
    ):
        client.cookies["sessionid"] = "made-up"
        response = revoke(client, w.asha)
        assert response.status_code == 401
        assert response.json()["code"] == "not_logged_in"


def test_revoke_from_the_web_session_still_needs_the_csrf_token(w):
    client = Client(enforce_csrf_checks=True)
    client.force_login(w.dinesh)
    response = revoke(client, w.asha)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(f"/api/v1/users/{w.asha.pk}/tokens/revoke", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
