"""The Hindi catalogue must be complete: every string in the code, translated, not fuzzy."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from hazari.lib.compile_messages import LOCALE_DIR

PO = LOCALE_DIR / "hi" / "LC_MESSAGES" / "django.po"
# The same folders `make messages` skips.
# "locale" too: makemessages would otherwise adopt hazari/locale as it walks the tree and
# write into the real catalogue.
IGNORE = [".venv", "var", "bench", "tests", "test-artifacts", "locale"]


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> polib.POFile:
    """Run makemessages into a scratch copy of the catalogue, never the real one: strings
    added to the code since the last `make messages` show up as untranslated entries."""
    if shutil.which("xgettext") is None:
        pytest.fail("gettext is not installed: `make system-deps` installs it")
    locale = tmp_path_factory.mktemp("locale")
    target = locale / "hi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    cwd = Path.cwd()
    try:
        os.chdir(settings.BASE_DIR)
        with override_settings(LOCALE_PATHS=[locale]):
            call_command(
                "makemessages",
                locale=["hi"],
                no_location=True,
                ignore_patterns=IGNORE,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    return polib.pofile(str(target / "django.po"))


def test_every_string_in_the_code_has_a_hindi_translation(fresh_catalogue):
    untranslated = [e.msgid for e in fresh_catalogue.untranslated_entries() if not e.obsolete]
    assert untranslated == [], "run `make messages` and translate these"


def test_no_hindi_translation_is_fuzzy(fresh_catalogue):
    assert [e.msgid for e in fresh_catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_po_file():
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    source = polib.pofile(str(PO))
    as_compiled = {e.msgid: (e.msgstr, e.msgstr_plural) for e in compiled if e.msgid}
    as_written = {
        e.msgid: (e.msgstr, e.msgstr_plural) for e in source.translated_entries() if not e.obsolete
    }
    assert as_compiled == as_written, "run `make messages` to recompile django.mo"


def test_hindi_is_the_default_language(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'<html lang="hi">' in response.content
    assert "हाज़री में लॉग इन करें" in response.content.decode()


def test_browser_language_does_not_override_hindi(client):
    # Phones send en-IN whatever their owners read; only the page's switch changes language.
    response = client.get("/login/", headers={"accept-language": "en-IN,en;q=0.9"})
    assert b'<html lang="hi">' in response.content


def test_language_switch_sets_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    assert b'<html lang="en">' in response.content
    assert b"Log in to Hazari" in response.content
    response = client.post("/i18n/setlang/", {"language": "hi", "next": "/login/"}, follow=True)
    assert b'<html lang="hi">' in response.content


def test_unknown_language_falls_back_to_hindi(client):
    client.cookies["django_language"] = "fr"
    assert b'<html lang="hi">' in client.get("/login/").content
