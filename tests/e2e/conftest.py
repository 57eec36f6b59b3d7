"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, against
pytest-django's live server.

The browser is started once per test session (once per xdist worker); every test gets a fresh
context (cookies, storage), by default the size of a cheap Android phone. Each screen a test
visits is saved as a PNG under test-artifacts/screenshots/ for a human to look at.
"""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

PHONE = {"width": 360, "height": 640}

# What the server sees as the browser's preferred languages. A phone set up in Hindi sends
# this; tests that need another preference make their own context.
HINDI_PHONE_LOCALE = "hi-IN"

TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Kept on the test item so that fixtures can tell, while tearing down, that the test failed.
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Console:
    """Errors the pages wrote to the browser console (CSP violations, script errors)."""

    # A 404 or 429 page is sometimes what a test expects; the browser logs those too.
    EXPECTED = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")

    def __init__(self) -> None:
        self.errors: list[str] = []

    def on_console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error" and not self.EXPECTED.search(msg.text):
            self.errors.append(msg.text)

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(str(error))


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, browser: Browser, live_server, console: Console
) -> Iterator[Callable[..., BrowserContext]]:
    """Make a fresh browser context (a separate cookie jar: another person's phone)."""
    made: list[BrowserContext] = []

    def make(**kwargs) -> BrowserContext:
        kwargs.setdefault("viewport", PHONE)
        kwargs.setdefault("locale", HINDI_PHONE_LOCALE)
        kwargs.setdefault("base_url", live_server.url)
        ctx = browser.new_context(**kwargs)
        ctx.set_default_timeout(TIMEOUT_MS)
        # The browser asks for /favicon.ico on its own, sometimes while the test's next
        # request is in flight; with SQLite the live server shares one connection between its
        # threads, so keep that stray request away from Django.
        ctx.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
        ctx.on("page", lambda page: _watch(page, console))
        made.append(ctx)
        return ctx

    yield make
    failed = request.node.stash.get(_FAILED, False)
    for i, ctx in enumerate(made):
        if failed:
            for j, page in enumerate(ctx.pages):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                name = f"{_safe(request.node.name)}-FAILED-{i}-{j}.png"
                page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
        ctx.close()
    assert not console.errors, f"errors in the browser console: {console.errors}"


def _watch(page: Page, console: Console) -> None:
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[..., Path]:
    """shot(page, "step") saves the whole page as <test-name>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = _safe(request.node.name)

    def take(page: Page, step: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{_safe(step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login() -> Callable[[Page, str, str], Response]:
    """login(page, user_id, password) opens the log-in page, fills the form, submits it and
    returns the response the browser ends up with (after any redirects)."""

    def submit(page: Page, user_id: str, password: str) -> Response:
        page.goto("/login/")
        page.fill("input[name=username]", user_id)
        page.fill("input[name=password]", password)
        with page.expect_navigation() as nav:
            page.click("main form[action='/login/'] button[type=submit]")
        response = nav.value
        assert response is not None
        return response

    return submit
