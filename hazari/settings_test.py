"""Settings for the test suite: the real settings, with defaults a test run needs."""

import os
import tempfile

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "test-only-" + "x" * 50)

from hazari.settings import *  # noqa: F403

# Hashing the same demo password a hundred times per test run costs minutes with PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "hazari.lib.sms.LocmemBackend"
LANGUAGE_CODE = "hi"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Each test process its own, whatever REDIS_URL says.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# A page's new figures are rendered by the request that finds them out of date (the
# background thread's path has its own tests: hazari/dashboards/tests/test_keep.py).
DASHBOARD_RENDER_BEHIND = False
# Every run of the refresher makes new figures (the tests refresh with a frozen clock).
DASHBOARD_RENDER_EVERY = 0

# The test server serves static files itself; WhiteNoise would only warn that the
# collectstatic folder is missing.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405

# Uploaded files of a test run go to a scratch folder, never into var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hazari-test-media-"))  # noqa: F405
