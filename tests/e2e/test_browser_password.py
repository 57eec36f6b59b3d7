"""Getting back in: a reset code by SMS, and a temporary password from an officer."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Response, expect

from hazari.accounts.models import User
from hazari.lib.sms import LocmemBackend
from hazari.testing import PASSWORD

pytestmark = pytest.mark.browser

CODE = re.compile(r"\b\d{6}\b")
NEW_PASSWORD = "Nayi-Chabi-2025"


def path(page: Page) -> str:
    return urlsplit(page.url).path


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def submit(page: Page, form: str = "main form[method=post]") -> Response:
    with page.expect_navigation() as nav:
        page.click(f"{form} button[type=submit]")
    response = nav.value
    assert response is not None
    return response


def request_code(page: Page, user_id: str) -> Response:
    """From the log-in page, the way a head master who forgot the password goes."""
    page.goto("/login/")
    with page.expect_navigation():
        page.click("main a[href='/password/reset/']")
    assert path(page) == "/password/reset/"
    page.fill("input[name=user_id]", user_id)
    return submit(page)


def fill_confirm(page: Page, code: str, password: str) -> Response:
    page.fill("input[name=code]", code)
    page.fill("input[name=new_password1]", password)
    page.fill("input[name=new_password2]", password)
    return submit(page)


def test_password_reset_by_sms(page, world, login, shot):
    asha = world.asha
    page.goto("/login/")
    shot(page, "login")

    request_code(page, asha.username)
    assert path(page) == "/password/reset/confirm/"
    assert query(page) == {"id": [asha.username]}
    expect(page.locator("input[name=user_id]")).to_have_value(asha.username)
    expect(page.locator("main .messages li")).to_have_count(1)
    shot(page, "code-sent")

    assert [sms.to for sms in LocmemBackend.outbox] == [asha.mobile]
    codes = set(CODE.findall(LocmemBackend.outbox[0].text))
    assert len(codes) == 1, LocmemBackend.outbox[0].text
    code = codes.pop()

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = fill_confirm(page, wrong, NEW_PASSWORD)
    assert response.status == 200
    assert path(page) == "/password/reset/confirm/"
    expect(page.locator("main .errorlist[role=alert]")).to_be_visible()
    expect(page.locator("input[name=user_id]")).to_have_value(asha.username)
    shot(page, "wrong-code")

    fill_confirm(page, code, NEW_PASSWORD)
    assert path(page) == "/login/"
    expect(page.locator("main .messages li.success")).to_be_visible()
    shot(page, "reset-done")

    login(page, asha.username, PASSWORD)
    assert path(page) == "/login/", "the old password must not work any more"
    expect(page.locator("main .errorlist[role=alert]")).to_be_visible()

    login(page, asha.username, NEW_PASSWORD)
    assert path(page) == "/"
    expect(page.get_by_test_id("username")).to_have_text(asha.username)
    shot(page, "home")


def test_password_reset_does_not_tell_whether_a_user_id_exists(new_context, world, shot):
    seen = {}
    for label, user_id in (("known", world.hari.username), ("unknown", "EMP9999")):
        # Two phones, so that nothing of the first request shows on the second.
        page = new_context().new_page()
        response = request_code(page, user_id)
        assert response.status == 200
        assert path(page) == "/password/reset/confirm/"
        assert query(page) == {"id": [user_id]}
        expect(page.locator("input[name=user_id]")).to_have_value(user_id)
        seen[label] = page.inner_text("body")
        shot(page, label)

    assert seen["known"] == seen["unknown"]
    assert [sms.to for sms in LocmemBackend.outbox] == [world.hari.mobile]


def test_officer_resets_a_head_masters_password(page, new_context, world, login, shot):
    asha = world.asha
    login(page, world.bhavna.username, PASSWORD)
    response = page.goto(f"/users/{asha.pk}/")
    assert response is not None and response.status == 200
    expect(page.locator("main h1")).to_have_text("Asha Verma")
    shot(page, "user-page")

    submit(page, f"main form[action='/users/{asha.pk}/reset-password/']")
    temporary = page.get_by_test_id("temporary-password").inner_text().strip()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{10}", temporary), temporary
    shot(page, "temporary-password")
    assert [sms.to for sms in LocmemBackend.outbox] == [asha.mobile]
    assert temporary in LocmemBackend.outbox[0].text

    # Asha, on her own phone.
    phone = new_context().new_page()
    login(phone, asha.username, temporary)
    assert path(phone) == "/password/change/"
    expect(phone.locator("input[name=old_password]")).to_be_visible()
    shot(phone, "must-change")

    for url in (
        "/",
        f"/units/{world.school_a.unit.pk}/",
        f"/users/{asha.pk}/",
        "/password/reset/",
        "/login/",
    ):
        phone.goto(url)
        assert path(phone) == "/password/change/", url

    phone.fill("input[name=old_password]", temporary)
    phone.fill("input[name=new_password1]", NEW_PASSWORD)
    phone.fill("input[name=new_password2]", NEW_PASSWORD)
    submit(phone)
    assert path(phone) == "/"
    expect(phone.get_by_test_id("username")).to_have_text(asha.username)
    expect(phone.locator("main .messages li.success")).to_be_visible()
    shot(phone, "home")

    phone.goto(f"/units/{world.school_a.unit.pk}/")
    assert path(phone) == f"/units/{world.school_a.unit.pk}/"

    asha.refresh_from_db()
    assert not asha.must_change_password
    assert asha.check_password(NEW_PASSWORD)
    assert not User.objects.get(pk=asha.pk).check_password(temporary)
