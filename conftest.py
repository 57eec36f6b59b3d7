import os

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(db):
    from hazari.testing import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    from hazari.lib.sms import LocmemBackend

    LocmemBackend.outbox.clear()
    yield
    LocmemBackend.outbox.clear()


@pytest.fixture(autouse=True)
def _empty_memos():
    # What a process keeps for a while (today's calendar, the rule overrides) must not leak
    # from one test's rolled-back transaction into the next test.
    from hazari.lib.memo import Memo

    Memo.clear_all()
    # The dashboards' rendered figures too: tests refresh with the same frozen clock.
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _reset_axes_cache(settings):
    # Each test starts with no failed log-ins counted.
    from django.core.cache import cache

    cache.clear()
