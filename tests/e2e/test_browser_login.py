"""Logging in and out, the lock-out after wrong passwords, and what an officer may open."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from hazari.testing import PASSWORD

pytestmark = pytest.mark.browser


def path(page: Page) -> str:
    return urlsplit(page.url).path


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def logout_button(page: Page):
    return page.locator("header form[action='/logout/'] button[type=submit]")


def test_log_in(page, world, login, shot):
    page.goto("/login/")
    shot(page, "form")

    response = login(page, world.bhavna.username, "not-the-password")
    assert response.status == 200
    assert path(page) == "/login/"
    expect(page.locator("main .errorlist[role=alert]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_value("")
    expect(logout_button(page)).to_have_count(0)
    shot(page, "wrong-password")

    # Typed in lower case, as people do on a phone; user IDs are stored in upper case.
    response = login(page, "emp3001", PASSWORD)
    assert response.status == 200
    assert path(page) == "/"
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("main h1")).to_contain_text("Bhavna Singh")
    expect(page.get_by_test_id("username")).to_have_text("EMP3001")
    expect(page.get_by_test_id("role")).not_to_be_empty()
    expect(page.get_by_test_id("unit")).to_contain_text("फंदा")
    expect(page.locator("[data-testid=unit] a")).to_have_attribute(
        "href", f"/units/{world.block_x.pk}/"
    )
    expect(logout_button(page)).to_be_visible()
    shot(page, "home")


def test_head_master_logs_in_with_the_udise_code(page, world, login, shot):
    login(page, f"  {world.asha.username} ", PASSWORD)
    assert path(page) == "/"
    expect(page.locator("main h1")).to_contain_text("Asha Verma")
    expect(page.get_by_test_id("username")).to_have_text(world.asha.username)
    expect(page.get_by_test_id("role")).not_to_be_empty()
    expect(page.get_by_test_id("unit")).to_contain_text("शा.प्रा.शा. कोलार")
    expect(page.get_by_test_id("unit")).to_contain_text(world.school_a.unit.code)
    shot(page, "home")


def test_log_out(page, world, login, shot):
    login(page, world.asha.username, PASSWORD)
    assert path(page) == "/"

    with page.expect_navigation():
        logout_button(page).click()
    assert path(page) == "/login/"
    expect(logout_button(page)).to_have_count(0)
    expect(page.locator("input[name=username]")).to_be_visible()
    shot(page, "logged-out")

    page.goto("/")
    assert path(page) == "/login/"
    assert query(page) == {"next": ["/"]}
    shot(page, "home-redirects")


def test_lock_out_after_five_wrong_passwords(page, world, login, shot):
    statuses = []
    for attempt in range(5):
        # Upper and lower case alike count against the same user ID.
        user_id = "emp3001" if attempt % 2 else "EMP3001"
        statuses.append(login(page, user_id, f"wrong-{attempt}").status)
    # The fifth failure reaches AXES_FAILURE_LIMIT, so its answer is already the lock-out page.
    assert statuses == [200, 200, 200, 200, 429]
    shot(page, "fifth-wrong")

    response = login(page, world.bhavna.username, PASSWORD)
    assert response.status == 429
    expect(page.locator("input[name=password]")).to_have_count(0)
    expect(page.locator("main a[href='/password/reset/']")).to_be_visible()
    expect(logout_button(page)).to_have_count(0)
    shot(page, "locked-out")

    page.goto("/")
    assert path(page) == "/login/", "a locked-out log-in must not start a session"

    # The lock is for that user ID from this address, not for everyone behind it.
    response = login(page, world.yash.username, PASSWORD)
    assert response.status == 200
    assert path(page) == "/"
    expect(page.get_by_test_id("username")).to_have_text(world.yash.username)
    shot(page, "other-user")


def test_block_officer_cannot_open_another_blocks_school(page, world, login, shot):
    login(page, world.yash.username, PASSWORD)

    own = page.goto(f"/units/{world.school_c.unit.pk}/")
    assert own is not None and own.status == 200
    expect(page.locator("main h1")).to_contain_text("शा.मा.शा. बैरसिया")
    shot(page, "own-school")

    for url in (
        f"/units/{world.school_a.unit.pk}/",
        f"/units/{world.block_x.pk}/",
        f"/users/{world.asha.pk}/",
    ):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        html = page.content()
        # Not even the name of what is behind the ID.
        for secret in ("Kolar", "कोलार", "Phanda", "फंदा", "Asha"):
            assert secret not in html, (url, secret)
    shot(page, "other-block")
