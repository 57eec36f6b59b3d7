"""Every message a phone or an officer reads in two languages is wholly in each language.

An English receipt once said "… is not a school day: साप्ताहिक अवकाश.": the calendar's label
was rendered in the request's language (Hindi) before the message was made in English. The
messages are found in the source (every gettext_noop), so a new one is checked without
anyone listing it here.
"""

import ast
import datetime
import re
from pathlib import Path

import pytest

from hazari.api.tests.helpers import app_client, capture_body, upload
from hazari.attendance.tests.conftest import DAY
from hazari.lib.i18n import in_both_languages
from hazari.schooldays.days import Reason
from hazari.schooldays.models import Closure, Kind

ROOT = Path(__file__).resolve().parents[2]
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
PARAM = re.compile(r"%\((\w+)\)[srd]")
# Labels passed into messages as parameters: every one they can take.
LABELS = {"why": [*Reason, *Kind]}


def _noop_messages() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((str(path.relative_to(ROOT)), str(node.args[0].value)))
    return found


MESSAGES = _noop_messages()


def _renderings(message: str):
    """The message with each label parameter taking every value it can, others a sample."""
    names = set(PARAM.findall(message))
    label_name = next((n for n in names if n in LABELS), None)
    base = {n: "7" for n in names}
    if label_name is None:
        yield in_both_languages(message, **base)
        return
    for choice in LABELS[label_name]:
        yield in_both_languages(message, **{**base, label_name: choice.label})


def test_the_messages_are_found():
    codes = {m for _, m in MESSAGES}
    assert len(codes) > 80
    assert "%(day)s is not a school day: %(why)s." in codes


@pytest.mark.parametrize(("where", "message"), MESSAGES, ids=[m[:50] for _, m in MESSAGES])
def test_each_language_of_a_message_is_wholly_that_language(where, message):
    for hindi, english in _renderings(message):
        assert not DEVANAGARI.search(english), (where, english)
        assert DEVANAGARI.search(hindi), (where, hindi)


def test_an_english_receipt_for_a_closed_day_is_in_english(school_a_ready, settings):
    import time_machine

    w = school_a_ready
    Closure.objects.create(
        unit=w.state, start=DAY, end=DAY, kind=Kind.LOCAL_FESTIVAL, reason="Bhujariya"
    )
    sunday = DAY + datetime.timedelta(days=(6 - DAY.weekday()))
    with time_machine.travel(f"{sunday.isoformat()} 10:30 +0530", tick=False):
        client = app_client(w.asha)  # the request's language is Hindi, the default
        receipts = upload(
            client,
            [capture_body(w), capture_body(w, day=sunday)],
            sent_at=f"{sunday}T10:30:00+05:30",
        ).json()["receipts"]
    festival, weekly_off = receipts
    assert festival["code"] == weekly_off["code"] == "not_school_day"
    assert festival["message_en"].endswith("is not a school day: Local festival.")
    assert weekly_off["message_en"].endswith("is not a school day: Weekly off.")
    for r in receipts:
        assert not DEVANAGARI.search(r["message_en"]) and DEVANAGARI.search(r["message_hi"])
