"""Idempotent upload: whatever a phone's outbox does — send, resend, lose the answer, send a
capture twice, crash half-way — N captures end as exactly N stored, none twice, and every
receipt the phone saw is the one stored. And on PostgreSQL, two uploads of the same capture
at the same moment meet at the primary key: one record."""

import threading
import uuid
from dataclasses import asdict
from unittest import mock

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hazari.api.tests.helpers import NOW, app_client, capture_body, upload
from hazari.attendance import services
from hazari.attendance.models import Capture, ClassPresence, DayRecord, Version
from hazari.attendance.services import Receipt


@pytest.fixture
def w(school_a_ready):
    with time_machine.travel(NOW, tick=False):
        yield school_a_ready


def stored_receipt(capture_id: str) -> dict:
    receipt = asdict(
        Receipt.of_capture(Capture.objects.select_related("version").get(pk=capture_id))
    )
    receipt["uuid"] = str(receipt["uuid"])
    return receipt


class Phone:
    """The app's outbox, as the server sees it: batches of captures, answers that may be lost."""

    def __init__(self, world, n: int) -> None:
        self.client = app_client(world.asha)
        self.crashing = app_client(world.asha, raise_request_exception=False)
        # Each with a reason: whichever arrives first is version 1, the others corrections.
        self.captures = [
            capture_body(world, when=f"10:0{i}", present=10 + i, reason=f"count {i}")
            for i in range(n)
        ]
        self.seen: dict[str, list[dict]] = {}  # every receipt the phone was given, by UUID

    def send(self, indexes: list[int], *, lose_answer: bool = False) -> None:
        response = upload(self.client, [self.captures[i] for i in indexes])
        assert response.status_code == 200, response.content
        if lose_answer:
            return
        for receipt in response.json()["receipts"]:
            self.seen.setdefault(receipt["uuid"], []).append(receipt)

    def crash(self, indexes: list[int], at: int) -> None:
        """The server dies while storing the at-th capture of the batch."""
        real = services.capture_submit
        calls = 0

        def dying(**kwargs):
            nonlocal calls
            calls += 1
            if calls == at + 1:
                raise RuntimeError("killed")
            return real(**kwargs)

        with mock.patch.object(services, "capture_submit", dying):
            upload(self.crashing, [self.captures[i] for i in indexes])

    def drain(self) -> None:
        """Back online: everything without a receipt goes again, in one batch."""
        pending = [i for i, c in enumerate(self.captures) if c["uuid"] not in self.seen]
        if pending:
            self.send(pending)


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("send"), st.integers(0, 5)),
        st.tuples(st.just("resend"), st.integers(0, 5)),
        st.tuples(st.just("lose"), st.integers(0, 5)),
        st.tuples(st.just("duplicate"), st.integers(0, 5)),
        st.tuples(st.just("batch"), st.lists(st.integers(0, 5), max_size=6)),
        st.tuples(
            st.just("crash"),
            st.tuples(st.lists(st.integers(0, 5), min_size=1, max_size=6), st.integers(0, 5)),
        ),
    ),
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(n=st.integers(1, 6), actions=ACTIONS)
def test_any_interleaving_stores_each_capture_exactly_once(w, n, actions):
    with transaction.atomic():
        phone = Phone(w, n)
        for action, arg in actions:
            if action == "send":
                phone.send([arg % n])
            elif action == "resend":  # sent before, answer in hand or not: the app resends
                phone.send([arg % n])
                phone.send([arg % n])
            elif action == "lose":
                phone.send([arg % n], lose_answer=True)
            elif action == "duplicate":
                phone.send([arg % n, arg % n])
            elif action == "batch":
                phone.send([i % n for i in arg])
            else:
                indexes, at = arg
                phone.crash([i % n for i in indexes], at % len(indexes))
        phone.drain()

        uuids = {c["uuid"] for c in phone.captures}
        assert {str(u) for u in Capture.objects.values_list("uuid", flat=True)} == uuids
        assert Capture.objects.count() == n
        assert Capture.objects.filter(version__isnull=True).count() == 0
        assert Version.objects.count() == n
        assert sorted(Version.objects.values_list("number", flat=True)) == list(range(1, n + 1))
        assert DayRecord.objects.count() == 1
        assert ClassPresence.objects.count() == 5 * n
        for capture_id, receipts in phone.seen.items():
            stored = stored_receipt(capture_id)
            assert all(r == stored for r in receipts), (receipts, stored)
            assert stored["status"] == "accepted"
        assert set(phone.seen) == uuids
        transaction.set_rollback(True)


# --- Two uploads of the same capture at the same moment --------------------------------------


def _at_once(*calls):
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except BaseException as e:  # reported by the test below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_capture_uploaded_twice_at_once_is_stored_once(w):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    header = app_client(w.asha).defaults["HTTP_AUTHORIZATION"]
    for round_no in range(5):
        data = capture_body(w, when=f"10:1{round_no}", reason=f"round {round_no}")

        def send(data=data):
            response = upload(Client(HTTP_AUTHORIZATION=header), [data])
            assert response.status_code == 200, response.content
            return response.json()["receipts"][0]

        first, second = _at_once(send, send)
        assert first == second
        assert first["version"] == round_no + 1
        assert Capture.objects.filter(pk=data["uuid"]).count() == 1
        assert Version.objects.count() == round_no + 1
    assert sorted(Version.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_different_captures_at_once_make_two_versions(w):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    header = app_client(w.asha).defaults["HTTP_AUTHORIZATION"]
    captures = [
        capture_body(w, when="10:20", reason="a"),
        capture_body(w, when="10:21", reason="b"),
    ]

    def sender(data):
        return lambda: upload(Client(HTTP_AUTHORIZATION=header), [data]).json()["receipts"][0]

    receipts = _at_once(*(sender(c) for c in captures))
    assert sorted(r["version"] for r in receipts) == [1, 2]
    assert Capture.objects.count() == 2 and Version.objects.count() == 2
    assert DayRecord.objects.get().current.number == 2


def test_a_uuid_is_the_primary_key(w):
    """The guarantee behind the race tests: not a check-then-insert, a unique key."""
    field = Capture._meta.get_field("uuid")
    assert field.primary_key and field.unique
    assert isinstance(uuid.UUID(capture_body(w)["uuid"]), uuid.UUID)
