"""Hindi first: the default language, the Devanagari webfont, and the language switch."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from hazari.testing import PASSWORD

pytestmark = pytest.mark.browser

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
NOTO = "Noto Sans Devanagari"


def rendering_fonts(page: Page, selector: str) -> list[dict]:
    """The fonts Chromium really drew the element's text with, as DevTools reports them."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})
        node = cdp.send(
            "DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector}
        )
        assert node["nodeId"], f"no element matches {selector}"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
    finally:
        cdp.detach()


def loaded_font_faces(page: Page) -> list[dict]:
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts]
                .filter(f => f.status === "loaded")
                .map(f => ({family: f.family.replace(/["']/g, ""), weight: f.weight,
                            range: f.unicodeRange}));
        }"""
    )


def assert_drawn_in_noto_devanagari(page: Page, selector: str) -> None:
    assert DEVANAGARI.search(page.inner_text(selector)), f"no Devanagari in {selector}"
    fonts = rendering_fonts(page, selector)
    # Only the webfont: no glyph fell back to a system font (or to tofu boxes).
    assert fonts, f"nothing drawn for {selector}"
    assert all(f["familyName"] == NOTO and f["isCustomFont"] for f in fonts), fonts


def path(page: Page) -> str:
    return urlsplit(page.url).path


# The language does not follow the browser: most head masters' phones say en-IN whatever
# their owners read.
@pytest.mark.parametrize("browser_locale", ["hi-IN", "en-IN", "en-US"])
def test_hindi_by_default_in_the_devanagari_webfont(
    new_context, world, login, shot, browser_locale
):
    page = new_context(locale=browser_locale).new_page()
    response = page.goto("/login/")
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("#language-select")).to_have_value("hi")
    expect(page.locator("input[name=username]")).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_attribute("type", "password")
    expect(page.locator("main a[href='/password/reset/']")).to_be_visible()

    faces = loaded_font_faces(page)
    devanagari_faces = [
        f for f in faces if f["family"] == NOTO and re.search(r"U\+0*900-0*97F", f["range"])
    ]
    assert devanagari_faces, f"the Devanagari subset of {NOTO} was not loaded: {faces}"
    assert page.evaluate("document.fonts.check(\"16px 'Noto Sans Devanagari'\", 'हिन्दी')")
    # The language select shows "हिन्दी", which is in the template whatever the catalogue says.
    assert_drawn_in_noto_devanagari(page, "#language-select")
    shot(page, "login")

    login(page, world.asha.username, PASSWORD)
    assert path(page) == "/"
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_test_id("unit")).to_contain_text("शा.प्रा.शा. कोलार")
    assert_drawn_in_noto_devanagari(page, "[data-testid=unit] a")
    shot(page, "home")


def test_language_switch_persists_across_pages(page, world, login, shot):
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "hi")

    # With JavaScript the form is submitted as soon as a language is picked.
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert path(page) == "/login/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    shot(page, "login-en")

    page.goto("/password/reset/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "reset-en")

    # Logging in starts a new session; the choice survives it.
    login(page, world.asha.username, PASSWORD)
    assert path(page) == "/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("unit")).to_contain_text("GPS Kolar")
    shot(page, "home-en")

    with page.expect_navigation():
        page.select_option("#language-select", "hi")
    assert path(page) == "/", "the switch should come back to the page it was used on"
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_test_id("unit")).to_contain_text("शा.प्रा.शा. कोलार")
    shot(page, "home-hi")

    page.goto(f"/units/{world.school_a.unit.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.locator("main h1")).to_contain_text("शा.प्रा.शा. कोलार")
    shot(page, "unit-hi")


def test_language_switch_works_without_javascript(new_context, world, shot):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "hi")

    page.select_option("#language-select", "en")
    with page.expect_navigation():
        page.click("header form.language button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "login-en")

    page.goto("/password/reset/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.select_option("#language-select", "hi")
    with page.expect_navigation():
        page.click("header form.language button[type=submit]")
    assert path(page) == "/password/reset/"
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    shot(page, "reset-hi")
