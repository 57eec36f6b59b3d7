"""The pages fit a cheap phone's screen, and an officer can find their way on a desktop."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from hazari.testing import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}

# The stylesheet promises touch targets at least 44 px high.
MIN_TOUCH = 44


def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0 when nothing scrolls)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def small_targets(page: Page) -> list[str]:
    return page.evaluate(
        """min => [...document.querySelectorAll(
                "button, select, input:not([type=hidden]), .links a, .pager a")]
            .filter(e => e.getClientRects().length)
            .filter(e => e.getBoundingClientRect().height < min)
            .map(e => `${e.outerHTML.slice(0, 80)} ${e.getBoundingClientRect().height}px`)""",
        MIN_TOUCH,
    )


def check_phone_screen(page: Page, shot, step: str) -> None:
    shot(page, step)
    assert sideways_overflow(page) <= 0, f"{step}: the page scrolls sideways on a phone"
    assert not small_targets(page), f"{step}: {small_targets(page)}"


def test_pages_fit_a_phone_screen(page, new_context, world, login, shot):
    page.goto("/login/")
    check_phone_screen(page, shot, "login")
    page.goto("/password/reset/")
    check_phone_screen(page, shot, "reset")
    page.goto(f"/password/reset/confirm/?id={world.asha.username}")
    check_phone_screen(page, shot, "reset-confirm")

    login(page, world.asha.username, PASSWORD)
    check_phone_screen(page, shot, "hm-home")
    page.goto(f"/units/{world.school_a.unit.pk}/")
    check_phone_screen(page, shot, "hm-school")
    page.goto("/password/change/")
    check_phone_screen(page, shot, "hm-password-change")

    officer = new_context().new_page()
    login(officer, world.bhavna.username, PASSWORD)
    check_phone_screen(officer, shot, "officer-home")
    officer.goto(f"/units/{world.school_a.unit.pk}/")
    check_phone_screen(officer, shot, "officer-school")
    officer.goto(f"/users/{world.asha.pk}/")
    check_phone_screen(officer, shot, "officer-user")


def test_officer_walks_down_the_tree_on_a_desktop(new_context, world, login, shot):
    page = new_context(viewport=DESKTOP).new_page()
    login(page, world.dinesh.username, PASSWORD)
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_test_id("unit")).to_contain_text("भोपाल")
    shot(page, "home")

    # "N units under you" leads to the officer's own unit and what lies below it.
    with page.expect_navigation():
        page.click(f"main p.links a[href='/units/{world.district_a.pk}/']")
    rows = page.locator("main table tbody tr:has(a[href^='/units/'])")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("बैरसिया")  # Berasia before Phanda, by English name
    expect(rows.nth(1)).to_contain_text("फंदा")
    expect(page.locator("main")).not_to_contain_text("सीहोर")  # the other district
    shot(page, "district")

    for unit in (world.block_x, world.cluster_x1, world.school_a.unit):
        with page.expect_navigation():
            page.click(f"main table a[href='/units/{unit.pk}/']")
        expect(page.locator("main h1")).to_contain_text(unit.name_hi)
        expect(page.locator("nav.crumbs a").last).to_have_attribute(
            "href", f"/units/{unit.parent_id}/"
        )
    shot(page, "school")

    with page.expect_navigation():
        page.click(f"main table a[href='/users/{world.asha.pk}/']")
    expect(page.locator("main h1")).to_have_text("Asha Verma")
    expect(page.locator("main")).to_contain_text(world.asha.mobile)
    shot(page, "user")
