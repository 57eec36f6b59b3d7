"""The files the phone app needs offline, and a version that changes whenever one of them does.

The service worker precaches exactly `precache_urls()`: the shell page, the manifest, the
stylesheet, every JavaScript module, the icons and the Devanagari and Latin webfonts. Its
script embeds `version()`, so any change to any of them changes the script's bytes, which is
what makes a browser install the new worker (and drop the old cache). In production the static
URLs carry a content hash (ManifestStaticFilesStorage); under DEBUG they do not, so the version
hashes the files' contents too.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.templatetags.static import static
from django.urls import reverse

from hazari.app.strings import catalogue

APP_STATIC = Path(__file__).resolve().parent / "static"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "app"

STYLESHEET = "app/app.css"
ENTRY = "app/js/main.js"
ICONS = {
    "icon": "app/icons/icon-192.png",
    "icon_large": "app/icons/icon-512.png",
    "maskable": "app/icons/maskable-512.png",
}
# The site's vendored Noto Sans Devanagari, as app.css names it: without these the app
# would fall back, offline, to whatever Devanagari font the phone has.
FONTS = [
    "hazari/fonts/noto-sans-devanagari-devanagari-400-normal.woff2",
    "hazari/fonts/noto-sans-devanagari-devanagari-700-normal.woff2",
    "hazari/fonts/noto-sans-devanagari-latin-400-normal.woff2",
    "hazari/fonts/noto-sans-devanagari-latin-700-normal.woff2",
]


def modules() -> list[str]:
    """Every JavaScript module of the app, the entry point first."""
    found = sorted(
        p.relative_to(APP_STATIC).as_posix() for p in (APP_STATIC / "app" / "js").glob("*.js")
    )
    return [ENTRY, *(m for m in found if m != ENTRY)]


def static_files() -> list[str]:
    return [STYLESHEET, *modules(), *ICONS.values(), *FONTS]


def hashed_urls() -> bool:
    """Whether static URLs carry a content hash (production), so a URL never changes content."""
    return isinstance(staticfiles_storage, ManifestFilesMixin)


def precache_urls() -> list[str]:
    return [reverse("app_shell"), reverse("app_manifest"), *(static(f) for f in static_files())]


def _version() -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(catalogue(), sort_keys=True).encode())
    # The templates and the views that fill them (the manifest is written in views.py).
    for source in [*sorted(TEMPLATES.iterdir()), Path(__file__).resolve().parent / "views.py"]:
        digest.update(source.read_bytes())
    for name in static_files():
        digest.update(static(name).encode())
        if not hashed_urls():
            path = finders.find(name)
            digest.update(Path(str(path)).read_bytes() if path else b"missing")
    return digest.hexdigest()[:16]


_cached_version = cache(_version)


def version() -> str:
    """A short hash of everything the app is made of. Computed once per process in
    production; on every call under DEBUG, where files change while the server runs."""
    return _version() if settings.DEBUG else _cached_version()
