"""The views serving the phone app: shell, manifest, service worker."""

import gzip
import json
import re
import struct
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.utils.translation import override

from hazari.app import assets
from hazari.app.strings import STRINGS, catalogue


def _json_script(html: str, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def test_shell_needs_no_login_and_carries_both_languages(client):
    response = client.get("/app/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    html = response.content.decode()
    assert '<html lang="hi">' in html
    strings = _json_script(html, "app-strings")
    assert set(strings) == {"hi", "en"}
    assert strings["hi"]["login_title"] == "हाज़री में लॉग इन करें"
    assert strings["en"]["login_title"] == "Log in to Hazari"
    config = _json_script(html, "app-config")
    assert config == {
        "api": "/api/v1/",
        "sw": "/app/sw.js",
        "scope": "/app/",
        "website": "/",
        "version": assets.version(),
    }


def test_shell_has_no_inline_script_and_loads_everything_from_the_site(client):
    """The CSP allows scripts from the site only: every <script> is a module file or data."""
    response = client.get("/app/")
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="module" src="/static/' in tag or 'type="application/json"' in tag, tag
    assert "http://" not in html and "https://" not in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_shell_preloads_every_module(client):
    html = client.get("/app/").content.decode()
    for module in assets.modules():
        assert f"/static/{module}" in html


def test_shell_is_the_same_whatever_the_language_cookie(client):
    """The service worker caches one shell for everyone; the language is chosen on the phone."""
    hindi = client.get("/app/").content
    client.cookies["django_language"] = "en"
    assert client.get("/app/").content == hindi


def test_shell_is_compressed_when_the_browser_accepts_it(client):
    response = client.get("/app/", headers={"accept-encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert b"app-strings" in gzip.decompress(response.content)


def test_manifest_makes_the_app_installable(client):
    response = client.get("/app/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "हाज़री"
    assert manifest["lang"] == "hi"
    assert manifest["start_url"] == manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("app/icons/icon-192.png", 192),
        ("app/icons/icon-512.png", 512),
        ("app/icons/maskable-512.png", 512),
    ],
)
def test_icons_are_pngs_of_their_size(name, size):
    data = Path(str(finders.find(name))).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)


def test_service_worker_is_javascript_scoped_to_the_app(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    # Served from inside its scope, so it needs no Service-Worker-Allowed header.
    assert not response.has_header("Service-Worker-Allowed")
    body = response.content.decode()
    assert f'const VERSION = "{assets.version()}";' in body
    assert 'const SCOPE = "/app/";' in body
    assert 'const API = "/api/v1/";' in body


def test_service_worker_precaches_every_file_the_app_needs(client):
    body = client.get("/app/sw.js").content.decode()
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", body).group(1))
    assert precache[:2] == ["/app/", "/app/manifest.webmanifest"]
    for name in assets.static_files():
        assert f"/static/{name}" in precache
        assert finders.find(name), f"{name} is listed but does not exist"
    # Every module the code imports is precached, or the app would not start offline.
    for module in assets.modules():
        source = Path(str(finders.find(module))).read_text()
        for imported in re.findall(r'from "\./([\w.-]+\.js)"', source):
            assert f"/static/app/js/{imported}" in precache, (module, imported)


def test_the_version_changes_when_a_file_changes(settings):
    settings.DEBUG = True  # as under `make demo`, where files change while the server runs
    before = assets.version()
    stylesheet = Path(str(finders.find(assets.STYLESHEET)))
    original = stylesheet.read_bytes()
    try:
        stylesheet.write_bytes(original + b"\n/* changed */\n")
        assert assets.version() != before
    finally:
        stylesheet.write_bytes(original)
    assert assets.version() == before


def test_every_string_of_the_app_is_in_hindi():
    hindi = catalogue()["hi"]
    with override("en"):
        english = {key: str(text) for key, text in STRINGS.items()}
    same = [k for k in STRINGS if hindi[k] == english[k]]
    assert same == []
    for key, text in english.items():
        placeholders = sorted(re.findall(r"%\((\w+)\)s", text))
        assert placeholders == sorted(re.findall(r"%\((\w+)\)s", hindi[key])), key


@override_settings(DEBUG=False)
def test_the_version_is_computed_once_in_production():
    assets._cached_version.cache_clear()
    first = assets.version()
    assert assets._cached_version.cache_info().misses == 1
    assert assets.version() == first
    assert assets._cached_version.cache_info().hits == 1


@pytest.mark.parametrize("url", ["/app/", "/app/manifest.webmanifest", "/app/sw.js"])
def test_a_check_for_a_new_version_costs_a_304(client, url):
    first = client.get(url, headers={"accept-encoding": "gzip"})
    etag = first["ETag"]
    assert assets.version() in etag
    again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(("person", "shown"), [("asha", True), ("tarun", True), ("bhavna", False)])
def test_the_website_home_page_points_school_staff_to_the_app(client, world, person, shown):
    client.force_login(getattr(world, person))
    html = client.get("/").content.decode()
    assert ('href="/app/"' in html) is shown
