"""The fault harness's checker itself: a store that equals the receipts passes, and each way
of losing, duplicating or misreporting a capture is found (so that a run of the harness that
finds nothing means something)."""

import copy
import datetime
import uuid
from types import SimpleNamespace

import pytest
from harness import Capture, Phone, verify

pytestmark = pytest.mark.faults

DAY = datetime.date(2026, 7, 15)


def _capture(phone: Phone, n: int, reason: str = "x") -> Capture:
    item = {
        "uuid": str(uuid.UUID(int=n, version=4)),
        "school_id": phone.school_id,
        "date": DAY.isoformat(),
        "captured_at": "2026-07-15T10:00:00+05:30",
        "classes": [{"class_no": 1, "boys": n, "girls": 2, "third_gender": 0}],
        "staff": [{"posting_id": 7, "status": "P"}],
        "meals_served": 1,
        "reason": reason,
    }
    return Capture(item["uuid"], phone, DAY, item)


def _receipt(c: Capture, status: str, version: int | None) -> dict:
    return {
        "uuid": c.uuid,
        "status": status,
        "code": "late" if version else "reason_required",
        "message_hi": "…",
        "message_en": status,
        "version": version,
        "errors": [],
    }


@pytest.fixture
def world():
    phone = Phone("t", 5, [], [], [DAY], True)
    a, b, c = (_capture(phone, n) for n in (1, 2, 3))
    receipts = {a.uuid: _receipt(a, "late", 1), b.uuid: _receipt(b, "late", 2)}
    receipts[c.uuid] = _receipt(c, "rejected", None)
    load = SimpleNamespace(
        captures={x.uuid: x for x in (a, b, c)},
        receipts={k: [v, dict(v)] for k, v in receipts.items()},
        final=receipts,
    )
    hex_ = {x.uuid: uuid.UUID(x.uuid).hex for x in (a, b, c)}  # as SQLite keeps a UUID
    store = {
        "captures": [
            (hex_[a.uuid], 5, DAY.isoformat(), "late", "late", "late", 11),
            (hex_[b.uuid], 5, DAY.isoformat(), "late", "late", "late", 12),
            (hex_[c.uuid], 5, DAY.isoformat(), "rejected", "reason_required", "rejected", None),
        ],
        "versions": [
            (11, 100, 1, "late", 1, 2, 0, 1, "x"),
            (12, 100, 2, "late", 2, 2, 0, 1, "x"),
        ],
        "records": [(100, 5, DAY.isoformat(), 12)],
        "classes": [(11, 1, 1, 2, 0), (12, 1, 2, 2, 0)],
        "staff": [(11, 7, "P"), (12, 7, "P")],
    }
    return load, store, (a, b, c)


def test_a_store_equal_to_the_receipts_passes(world):
    load, store, _ = world
    found = verify(load, store)
    assert found.problems == []
    assert (found.lost, found.duplicated, found.versions, found.stored_captures) == (0, 0, 2, 3)


def test_a_capture_with_a_receipt_and_nothing_stored_is_lost(world):
    load, store, _ = world
    store["captures"].pop(0)
    store["versions"].pop(0)
    found = verify(load, store)
    assert found.lost == 1 and found.duplicated == 0


def test_a_version_without_its_receipt_is_a_duplicate(world):
    load, store, _ = world
    store["versions"].append((13, 100, 3, "late", 1, 2, 0, 1, "x"))
    found = verify(load, store)
    assert (found.duplicated, found.lost) == (1, 0)


def test_a_capture_stored_without_a_receipt_is_a_duplicate(world):
    load, store, (a, *_) = world
    del load.final[a.uuid]
    load.receipts[a.uuid] = []
    found = verify(load, store)
    assert found.duplicated == 1
    assert any("no receipt" in p for p in found.problems)


def test_a_receipt_that_disagrees_with_the_store_is_found(world):
    load, store, (a, b, _) = world
    load.final[a.uuid]["version"] = 2
    load.receipts[b.uuid][1] = {**load.receipts[b.uuid][1], "version": 7}
    problems = verify(load, store).problems
    assert any("receipt 2" in p for p in problems)
    assert any(p.startswith("receipts differ") for p in problems)


def test_content_other_than_sent_is_found(world):
    load, store, _ = world
    changed = copy.deepcopy(store)
    changed["classes"][0] = (11, 1, 9, 2, 0)
    assert any("class or staff rows" in p for p in verify(load, changed).problems)
    changed = copy.deepcopy(store)
    changed["records"][0] = (100, 5, DAY.isoformat(), 11)
    assert any("current 11" in p for p in verify(load, changed).problems)
