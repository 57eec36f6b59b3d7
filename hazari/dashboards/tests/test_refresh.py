"""The refresher, case by case: what makes a school-day's figures change, and that the next
refresh sees it."""

import datetime

import pytest
from django.db import connection

from hazari.attendance import review
from hazari.attendance.models import DayRecord, Version
from hazari.dashboards import refresh
from hazari.dashboards.models import RefreshState, SchoolDay, SchoolMonth, Stale, UnitDay
from hazari.dashboards.tests import scenario
from hazari.dashboards.tests.scenario import Send, at, send
from hazari.orgunits.importing import _carry_ancestors_down
from hazari.orgunits.models import OrgUnit
from hazari.registers.models import Enrolment
from hazari.schooldays.models import Closure, Kind

DAY = scenario.START + datetime.timedelta(days=2)  # Wednesday 8 July
NOW = at(DAY, "18:00")


@pytest.fixture
def w(world):
    scenario.prepare(world)
    RefreshState.objects.create(pk=1, days_from=scenario.START)
    return world


def row(school, day=DAY) -> SchoolDay | None:
    return SchoolDay.objects.filter(school_id=school.pk, date=day).first()


def unit_row(unit, day=DAY) -> UnitDay | None:
    return UnitDay.objects.filter(unit_id=unit.pk, date=day).first()


def sent(w, school=0, share=0.5, minutes=30, **kw):
    receipt = send(
        w, Send(school, 2, share, minutes, kw.pop("delay", 0), kw.pop("wrong", False), "PP")
    )
    return receipt


def test_first_run_gives_every_open_school_day_a_row(w):
    refresh.refresh(now=NOW)
    # Monday to Wednesday, four schools, nothing reported yet.
    assert SchoolDay.objects.count() == 12
    assert not SchoolDay.objects.filter(reported=True).exists()
    state = unit_row(w.state)
    assert (state.schools_open, state.reported, state.level, state.parent_id) == (4, 0, 0, None)
    assert unit_row(w.cluster_x1).parent_id == w.block_x.pk


def test_a_report_and_its_correction_show_after_the_next_refresh(w):
    refresh.refresh(now=NOW)
    assert sent(w, share=0.5).status == "accepted"
    refresh.refresh(now=NOW)
    first = row(w.school_a)
    assert first.reported and first.on_time and first.present_boys > 0
    assert sent(w, share=1.0, minutes=200).status == "late"  # a correction, later in the day
    result = refresh.refresh(now=NOW)
    assert result.school_days == 1
    again = row(w.school_a)
    enrolled = Enrolment.objects.filter(school=w.school_a, academic_year=2026)
    assert again.present_boys == sum(e.boys for e in enrolled) == again.enrolled_boys
    assert again.on_time  # the first report was on time
    cluster = unit_row(w.cluster_x1)
    assert (cluster.schools_open, cluster.reported, cluster.present_boys) == (
        2,
        1,
        again.present_boys,
    )
    assert unit_row(w.state).present_boys == again.present_boys
    month = SchoolMonth.objects.get(school_id=w.school_a.pk)
    assert (month.reported, month.schools_open, month.max_boys) == (1, 3, again.present_boys)


def test_nothing_to_do_when_nothing_changed(w):
    refresh.refresh(now=NOW)
    sent(w)
    refresh.refresh(now=NOW)
    result = refresh.refresh(now=NOW)
    assert (result.days, result.school_days) == (0, 0)


def test_a_held_report_counts_only_once_approved(w):
    refresh.refresh(now=NOW)
    assert sent(w, wrong=True).status == "held"
    refresh.refresh(now=NOW)
    assert (row(w.school_a).reported, row(w.school_a).held) == (False, True)
    assert unit_row(w.block_x).held == 1
    version = Version.objects.get(status="held")
    review.version_approve(actor=w.sunita, version=version, note="ok", now=NOW)
    assert Stale.objects.count() == 1
    refresh.refresh(now=NOW)
    assert (row(w.school_a).reported, row(w.school_a).held) == (True, False)
    assert not Stale.objects.exists()


def test_a_dismissed_report_no_longer_waits(w):
    refresh.refresh(now=NOW)
    sent(w, wrong=True)
    refresh.refresh(now=NOW)
    review.version_dismiss(
        actor=w.sunita, version=Version.objects.get(status="held"), note="no", now=NOW
    )
    refresh.refresh(now=NOW)
    assert (row(w.school_a).reported, row(w.school_a).held) == (False, False)


def test_a_closure_entered_afterwards_takes_the_day_out_and_back(w):
    sent(w)
    refresh.refresh(now=NOW)
    closure = Closure.objects.create(
        unit=w.block_x, start=DAY, end=DAY, kind=Kind.WEATHER, reason="flood"
    )
    refresh.refresh(now=NOW)
    assert row(w.school_a) is None and row(w.school_b) is None
    assert unit_row(w.block_x) is None and unit_row(w.district_a).schools_open == 1
    assert unit_row(w.state).reported == 0
    closure.delete()
    refresh.refresh(now=NOW)
    assert row(w.school_a).reported and unit_row(w.state).reported == 1


def test_an_enrolment_change_changes_past_days(w):
    sent(w)
    refresh.refresh(now=NOW)
    before = row(w.school_a).enrolled_girls
    e = Enrolment.objects.get(school=w.school_a, academic_year=2026, class_no=1)
    e.girls += 7
    e.save()
    refresh.refresh(now=NOW)
    assert row(w.school_a).enrolled_girls == before + 7


def test_a_new_day_gets_its_rows_and_yesterday_is_recomputed(w):
    refresh.refresh(now=NOW)
    tomorrow = DAY + datetime.timedelta(days=1)
    result = refresh.refresh(now=at(tomorrow, "07:00"))
    assert result.whole_days == 2
    assert SchoolDay.objects.filter(date=tomorrow).count() == 4
    assert RefreshState.objects.get().days_through == tomorrow


def test_a_version_committed_after_a_higher_id_is_not_missed(w):
    """Ids are taken at insert and seen at commit: a version with a lower id than the
    highest seen may appear later. The margin re-reads it."""
    refresh.refresh(now=NOW)
    sent(w)
    version = Version.objects.get()
    # As if the refresher had already seen ids up to well above this one.
    RefreshState.objects.update(versions_seen=version.pk + 500)
    refresh.refresh(now=NOW)
    assert row(w.school_a).reported


def test_a_school_moved_to_another_cluster_is_counted_there(w):
    sent(w)
    refresh.refresh(now=NOW)
    # School A moves to cluster Y1 (block Y): as an import of the school file does it.
    unit = w.school_a.unit
    unit.set_parent(w.cluster_y1)
    unit.save()
    _carry_ancestors_down(unit)
    RefreshState.objects.update(tree_checked_at=None)
    refresh.refresh(now=NOW)
    moved = row(w.school_a)
    assert (moved.cluster_id, moved.block_id) == (w.cluster_y1.pk, w.block_y.pk)
    assert unit_row(w.cluster_x1).schools_open == 1 and unit_row(w.block_x).reported == 0
    assert unit_row(w.block_y).reported == 1 and unit_row(w.block_y).schools_open == 2
    assert SchoolMonth.objects.get(school_id=w.school_a.pk).block_id == w.block_y.pk


def moved(unit, parent) -> None:
    """The unit under another parent, as an import of the units file does it; then a run."""
    unit.refresh_from_db()
    unit.set_parent(parent)
    unit.save()
    _carry_ancestors_down(unit)
    RefreshState.objects.update(tree_checked_at=None)
    refresh.refresh(now=NOW)


def test_units_moved_away_and_back_have_one_row_a_day_under_their_parent(w):
    """A block to another district and back, with a cluster and a school moved in between:
    the rows of days before the moves keep naming the old ancestors until recomputed, yet
    every unit keeps one row a day, under its parent as the tree is now (a block's row was
    split in two by its clusters' old districts: a duplicate key that stopped the refresher)."""
    sent(w)
    refresh.refresh(now=NOW)
    moved(w.block_x, w.district_b)
    moved(w.cluster_y1, w.block_z)
    moved(w.school_a.unit, w.cluster_x1)
    sent(w, school=1)
    refresh.refresh(now=NOW)
    moved(w.block_x, w.district_a)
    units = OrgUnit.objects.in_bulk()
    for r in UnitDay.objects.all():
        assert r.parent_id == units[r.unit_id].parent_id, units[r.unit_id]
    for block in (w.block_x, w.block_z):
        clusters = UnitDay.objects.filter(parent_id=block.pk, date=DAY)
        assert unit_row(block).schools_open == sum(c.schools_open for c in clusters) > 0
    assert unit_row(w.block_y) is None  # its one cluster moved to block Z


def test_rebuild_equals_the_incremental_rows(w):
    sent(w)
    sent(w, school=2, share=0.9)
    refresh.refresh(now=NOW)
    before = sorted(SchoolDay.objects.values_list("school_id", "date", "present_boys", "reported"))
    units = sorted(UnitDay.objects.values_list("unit_id", "date", "present_girls", "reported"))
    SchoolDay.objects.all().delete()
    assert refresh.rebuild(start=scenario.START, now=NOW) == 3
    assert (
        sorted(SchoolDay.objects.values_list("school_id", "date", "present_boys", "reported"))
        == before
    )
    assert (
        sorted(UnitDay.objects.values_list("unit_id", "date", "present_girls", "reported")) == units
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_second_refresher_does_not_wait(world):
    import threading

    RefreshState.objects.create(pk=1, days_from=scenario.START)
    from django.db import transaction

    results = []
    with transaction.atomic():
        refresh._lock()
        thread = threading.Thread(target=lambda: results.append(refresh.refresh(wait=False)))
        thread.start()
        thread.join()
    assert results[0].skipped


def test_records_are_untouched(w):
    sent(w)
    before = list(DayRecord.objects.values_list("pk", "current_id", "on_time"))
    refresh.refresh(now=NOW)
    assert list(DayRecord.objects.values_list("pk", "current_id", "on_time")) == before
