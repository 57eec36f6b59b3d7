"""Loading a state's holidays from a file: all rows or none."""

import pytest
from django.core.management import CommandError, call_command

from hazari.schooldays.holidays_csv import holidays_load
from hazari.schooldays.models import AcademicSession, Closure, Kind
from hazari.schooldays.tests.helpers import D

GOOD = """name,date,start,end,kind
Independence Day,2026-08-15,,,
Gandhi Jayanti,02-10-2026,,,state_holiday
Diwali vacation,,2026-11-07,2026-11-11,vacation
Dussehra,,20-10-2026,,
"""


def test_a_good_file_is_loaded_with_its_session(world):
    result = holidays_load(data=GOOD.encode(), start_year=2026)
    assert result.ok, result.errors
    assert (result.created, result.unchanged, result.session_created) == (4, 0, True)
    session = AcademicSession.objects.get()
    assert (session.start, session.end) == (D("2026-04-01"), D("2027-03-31"))
    rows = list(Closure.objects.order_by("start").values_list("reason", "start", "end", "kind"))
    assert rows == [
        ("Independence Day", D("2026-08-15"), D("2026-08-15"), Kind.STATE_HOLIDAY),
        ("Gandhi Jayanti", D("2026-10-02"), D("2026-10-02"), Kind.STATE_HOLIDAY),
        ("Dussehra", D("2026-10-20"), D("2026-10-20"), Kind.STATE_HOLIDAY),
        ("Diwali vacation", D("2026-11-07"), D("2026-11-11"), Kind.VACATION),
    ]
    assert all(c.unit == world.state and c.created_by is None for c in Closure.objects.all())


def test_loading_again_changes_nothing(world):
    holidays_load(data=GOOD.encode(), start_year=2026)
    again = holidays_load(data=GOOD.encode(), start_year=2026)
    assert (again.created, again.unchanged, again.session_created, again.ok) == (0, 4, False, True)
    assert Closure.objects.count() == 4


def test_a_file_with_only_a_date_column(world):
    result = holidays_load(data=b"name,date\nRepublic Day,26/01/2027\n", start_year=2026)
    assert result.ok and Closure.objects.get().start == D("2027-01-26")


def test_any_bad_row_loads_nothing_and_every_bad_row_is_reported(world):
    data = """name,date,start,end,kind
Independence Day,2026-08-15,,,
Bad date,2026-13-01,,,
Outside the session,2027-04-14,,,
,2026-09-05,,,
Picnic,2026-09-06,,,picnic
Local,2026-09-07,,,local_holiday
Too long,,2026-07-01,2026-09-30,
Backwards,,2026-07-10,2026-07-01,
Independence Day again,2026-08-15,,,
"""
    result = holidays_load(data=data.encode(), start_year=2026)
    assert not result.ok
    assert Closure.objects.count() == 0
    assert AcademicSession.objects.count() == 0  # the new session went with the rest
    got = sorted((e.row, e.field, e.code) for e in result.errors)
    assert got == [
        (3, "date", "bad_date"),
        (4, "date", "outside_session"),
        (5, "name", "required"),
        (6, "kind", "bad_kind"),
        (7, "kind", "bad_kind"),
        (8, "end", "too_long"),
        (9, "end", "end_before_start"),
        (10, "", "overlap"),
    ]
    by_row = {e.row: e for e in result.errors}
    assert by_row[3].message_en == "2026-13-01 is not a date such as 2026-08-15 or 15-08-2026."
    assert by_row[8].message_en == "One closure lasts at most 60 days."


def test_a_file_without_dates_is_refused(world):
    result = holidays_load(data=b"name,when\nDiwali,2026-11-08\n", start_year=2026)
    assert [(e.row, e.code) for e in result.errors] == [(1, "missing_columns")]
    result = holidays_load(data=b"date\n2026-11-08\n", start_year=2026)
    assert [(e.row, e.code) for e in result.errors] == [(1, "missing_columns")]


def test_a_dry_run_writes_nothing(world):
    result = holidays_load(data=GOOD.encode(), start_year=2026, dry_run=True)
    assert result.ok and result.created == 4
    assert not Closure.objects.exists() and not AcademicSession.objects.exists()


def test_the_command(world, tmp_path, capsys):
    good = tmp_path / "holidays.csv"
    good.write_text(GOOD, encoding="utf-8")
    call_command("load_holidays", str(good), "--year", "2026")
    assert "4 new, 0 unchanged, 0 rejected" in capsys.readouterr().out
    assert Closure.objects.count() == 4

    bad = tmp_path / "bad.csv"
    bad.write_text("name,date\nX,2026-02-30\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_holidays", str(bad), "--year", "2026", "--errors-csv", str(errors))
    assert "bad_date" in errors.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_holidays", str(tmp_path / "missing.csv"), "--year", "2026")
    with pytest.raises(CommandError, match="--state"):
        call_command("load_holidays", str(good), "--year", "2026", "--state", "99")
