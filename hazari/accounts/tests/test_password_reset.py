import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from hazari.accounts import services
from hazari.accounts.models import AccountEvent, PasswordResetCode
from hazari.lib.sms import LocmemBackend

NEW = "a-fresh-password-91"


def request(ip="10.1.2.3"):
    r = RequestFactory().post("/password/reset/confirm/", REMOTE_ADDR=ip)
    return r


def last_code() -> str:
    match = re.search(r"\b(\d{6})\b", LocmemBackend.outbox[-1].text)
    assert match
    return match[1]


def test_code_is_sent_to_the_users_mobile_in_both_languages(world):
    services.reset_code_send(user_id="23320100101")
    [sms] = LocmemBackend.outbox
    assert sms.to == world.asha.mobile
    assert "हाज़री" in sms.text and "Hazari" in sms.text


def test_user_id_is_case_and_space_insensitive(world):
    services.reset_code_send(user_id="  emp1001 ")
    assert LocmemBackend.outbox[-1].to == world.tarun.mobile


def test_unknown_id_sends_nothing_and_raises_nothing(world):
    services.reset_code_send(user_id="NOBODY")
    assert LocmemBackend.outbox == []


def test_only_a_hash_of_the_code_is_stored(world):
    services.reset_code_send(user_id=world.asha.username)
    stored = PasswordResetCode.objects.get(user=world.asha)
    assert last_code() not in stored.code_hash
    assert stored.matches(last_code())


def test_right_code_sets_the_password_once(world):
    services.reset_code_send(user_id=world.asha.username)
    code = last_code()
    services.password_reset_with_code(
        user_id=world.asha.username, code=code, new_password=NEW, request=request()
    )
    world.asha.refresh_from_db()
    assert world.asha.check_password(NEW)
    assert AccountEvent.objects.filter(user=world.asha, kind="reset_by_code").count() == 1
    # Single use: the same code does not work twice.
    with pytest.raises(services.ResetError):
        services.password_reset_with_code(
            user_id=world.asha.username,
            code=code,
            new_password="another-one-77",
            request=request(),
        )


def test_wrong_code_changes_nothing(world):
    services.reset_code_send(user_id=world.asha.username)
    wrong = "000000" if last_code() != "000000" else "111111"
    with pytest.raises(services.ResetError):
        services.password_reset_with_code(
            user_id=world.asha.username, code=wrong, new_password=NEW, request=request()
        )
    world.asha.refresh_from_db()
    assert not world.asha.check_password(NEW)


def test_code_expires(world, settings):
    services.reset_code_send(user_id=world.asha.username)
    code = last_code()
    later = timezone.now() + timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES, seconds=1)
    with time_machine.travel(later), pytest.raises(services.ResetError):
        services.password_reset_with_code(
            user_id=world.asha.username, code=code, new_password=NEW, request=request()
        )


def test_a_new_code_replaces_the_old_one(world):
    services.reset_code_send(user_id=world.asha.username)
    first = last_code()
    services.reset_code_send(user_id=world.asha.username)
    second = last_code()
    if first != second:
        with pytest.raises(services.ResetError):
            services.password_reset_with_code(
                user_id=world.asha.username, code=first, new_password=NEW, request=request()
            )
    services.password_reset_with_code(
        user_id=world.asha.username, code=second, new_password=NEW, request=request()
    )


def test_codes_per_hour_are_limited(world, settings):
    for _ in range(settings.PASSWORD_RESET_MAX_CODES_PER_HOUR + 2):
        services.reset_code_send(user_id=world.asha.username)
    assert len(LocmemBackend.outbox) == settings.PASSWORD_RESET_MAX_CODES_PER_HOUR
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        services.reset_code_send(user_id=world.asha.username)
    assert len(LocmemBackend.outbox) == settings.PASSWORD_RESET_MAX_CODES_PER_HOUR + 1


def test_code_is_burnt_after_too_many_wrong_guesses(world, settings):
    settings.AXES_FAILURE_LIMIT = 100  # isolate the per-code limit from django-axes
    services.reset_code_send(user_id=world.asha.username)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.PASSWORD_RESET_MAX_ATTEMPTS):
        with pytest.raises(services.ResetError):
            services.password_reset_with_code(
                user_id=world.asha.username, code=wrong, new_password=NEW, request=request()
            )
    with pytest.raises(services.ResetError):
        services.password_reset_with_code(
            user_id=world.asha.username, code=code, new_password=NEW, request=request()
        )


def test_wrong_codes_lock_the_user_id_on_that_ip_only(world, settings):
    settings.PASSWORD_RESET_MAX_ATTEMPTS = 100
    services.reset_code_send(user_id=world.asha.username)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        with pytest.raises(services.ResetError):
            services.password_reset_with_code(
                user_id=world.asha.username,
                code=wrong,
                new_password=NEW,
                request=request("10.0.0.1"),
            )
    with pytest.raises(services.ResetError) as locked:
        services.password_reset_with_code(
            user_id=world.asha.username, code=code, new_password=NEW, request=request("10.0.0.1")
        )
    assert locked.value.code == "locked"
    # The right code from another network still works.
    services.password_reset_with_code(
        user_id=world.asha.username, code=code, new_password=NEW, request=request("10.0.0.2")
    )


def test_weak_password_is_refused_and_the_code_kept(world):
    from django.core.exceptions import ValidationError

    services.reset_code_send(user_id=world.asha.username)
    code = last_code()
    with pytest.raises(ValidationError):
        services.password_reset_with_code(
            user_id=world.asha.username, code=code, new_password="12345678", request=request()
        )
    services.password_reset_with_code(
        user_id=world.asha.username, code=code, new_password=NEW, request=request()
    )


def test_reset_pages_answer_the_same_for_known_and_unknown_ids(world):
    known = Client().post("/password/reset/", {"user_id": world.asha.username}, follow=True)
    unknown = Client().post("/password/reset/", {"user_id": "NOSUCHUSER"}, follow=True)
    strip = lambda r: re.sub(r'value="[^"]*"|csrfmiddlewaretoken[^>]*', "", r.content.decode())  # noqa: E731
    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)
    assert len(LocmemBackend.outbox) == 1


# --- officer-initiated reset -------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("bhavna", "asha", True),  # block officer → HM in her block
        ("chetan", "tarun", True),  # cluster officer → teacher in his cluster
        ("dinesh", "bhavna", True),  # district officer → block officer in his district
        ("arjun", "sunita", True),  # state admin → state officer
        ("bhavna", "dev", True),  # block officer → DDO of her block
        ("dev", "bhavna", False),  # DDO → his block officer (senior)
        ("bhavna", "hari", False),  # another block's HM
        ("asha", "tarun", False),  # an HM is not an officer
        ("bhavna", "bhavna", False),  # not oneself
        ("sunita", "arjun", False),  # not a senior
    ],
)
def test_who_may_reset_whom(world, actor, target, allowed):
    client = Client()
    client.force_login(getattr(world, actor))
    who = getattr(world, target)
    before = who.password
    response = client.post(f"/users/{who.pk}/reset-password/")
    who.refresh_from_db()
    if allowed:
        assert response.status_code == 200
        temp = response.context["password"]
        assert who.check_password(temp) and who.must_change_password
        assert LocmemBackend.outbox[-1].to == who.mobile and temp in LocmemBackend.outbox[-1].text
        assert AccountEvent.objects.get(user=who, kind="reset_by_officer").actor == getattr(
            world, actor
        )
    else:
        assert response.status_code in (403, 404)
        assert who.password == before and not who.must_change_password


def test_after_an_officer_reset_the_user_must_change_password(world):
    officer = Client()
    officer.force_login(world.bhavna)
    temp = officer.post(f"/users/{world.asha.pk}/reset-password/").context["password"]

    asha = Client()
    assert (
        asha.post("/login/", {"username": world.asha.username, "password": temp}).status_code == 302
    )
    assert asha.get("/")["Location"] == "/password/change/"
    assert asha.get(f"/units/{world.school_a.unit.pk}/")["Location"] == "/password/change/"
    response = asha.post(
        "/password/change/",
        {"old_password": temp, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert asha.get("/").status_code == 200
    world.asha.refresh_from_db()
    assert not world.asha.must_change_password


def test_a_new_password_ends_the_app_log_ins(world):
    from hazari.accounts.models import ApiToken

    services.token_issue(user=world.asha, device_id="phone-1")
    services.token_issue(user=world.asha, device_id="phone-2")
    client = Client()
    client.force_login(world.bhavna)
    client.post(f"/users/{world.asha.pk}/reset-password/")
    assert ApiToken.objects.filter(user=world.asha).live().count() == 0
    assert set(ApiToken.objects.filter(user=world.asha).values_list("revoked_by", flat=True)) == {
        world.bhavna.pk
    }


def test_changing_ones_password_ends_the_app_log_ins(world):
    from hazari.accounts.models import ApiToken

    services.token_issue(user=world.tarun)
    services.password_change(user=world.tarun, new_password=NEW)
    assert not ApiToken.objects.filter(user=world.tarun).live().exists()
