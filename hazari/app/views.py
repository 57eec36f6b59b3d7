"""The phone app's shell page, web manifest and service worker.

All three are the same for everyone and carry no personal data: the app logs in with the
API's bearer token (kept in the phone's IndexedDB), not with the website's session, so these
views need no log-in and can be cached by the service worker and served offline. The service
worker is served from /app/sw.js, inside the scope /app/ it controls, so no
Service-Worker-Allowed header is needed. Compressed here (gzip_page) because the app's first
load is what a head master pays for on a weak network; the responses hold no secret, so
compressing them leaks nothing (BREACH needs a secret reflected beside attacker input).
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import etag, require_GET

from hazari.app import assets
from hazari.app.strings import catalogue

THEME = "#0b5c8a"
BACKGROUND = "#f6f7f9"
# Browsers check /app/sw.js for a new version on every navigation (at most once a day they
# bypass the HTTP cache anyway); the shell is revalidated so an update is seen at once. The
# three responses are determined by the app's version, which is their ETag: a check costs a
# 304 of a few hundred bytes.
NO_CACHE = "no-cache"


def _version(request: HttpRequest) -> str:
    return assets.version()


def _config() -> dict:
    return {
        "api": "/api/v1/",
        "sw": reverse("app_sw"),
        "scope": reverse("app_shell"),
        "website": reverse("home"),
        "version": assets.version(),
    }


@require_GET
@gzip_page
@etag(_version)
def shell(request: HttpRequest) -> HttpResponse:
    """The one page of the app; its JavaScript draws every screen. Both languages' strings
    are in it, so switching language works offline."""
    ctx = {
        "strings": catalogue(),
        "config": _config(),
        "stylesheet": assets.STYLESHEET,
        "entry": assets.ENTRY,
        "preload": assets.modules()[1:],
        "icon": assets.ICONS["icon"],
        "theme": THEME,
    }
    response = render(request, "app/shell.html", ctx)
    response["Cache-Control"] = NO_CACHE
    return response


@require_GET
@gzip_page
@etag(_version)
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: what makes the app installable from Android Chrome."""
    body = {
        "id": reverse("app_shell"),
        "name": "हाज़री",
        "short_name": "हाज़री",
        "description": "शासकीय शालाओं की दैनिक उपस्थिति · Daily attendance of government schools",
        "lang": "hi",
        "dir": "ltr",
        "start_url": reverse("app_shell"),
        "scope": reverse("app_shell"),
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {"src": static(assets.ICONS["icon"]), "sizes": "192x192", "type": "image/png"},
            {"src": static(assets.ICONS["icon_large"]), "sizes": "512x512", "type": "image/png"},
            {
                "src": static(assets.ICONS["maskable"]),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = NO_CACHE
    return response


@require_GET
@gzip_page
@etag(_version)
def service_worker(request: HttpRequest) -> HttpResponse:
    ctx = {
        "version": assets.version(),
        "shell": reverse("app_shell"),
        "scope": reverse("app_shell"),
        "api": "/api/v1/",
        "precache": json.dumps(assets.precache_urls()),
        "hashed": json.dumps(assets.hashed_urls()),
    }
    response = render(request, "app/sw.js", ctx, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = NO_CACHE
    return response
