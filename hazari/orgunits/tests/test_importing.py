import csv
import io
from pathlib import Path

import pytest

from hazari.lib.tabular import errors_as_csv
from hazari.orgunits.importing import import_units_csv
from hazari.orgunits.models import Level, OrgUnit, School

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"

SCHOOLS_HEADER = "cluster_code,udise_code,name_en,name_hi,category,start_time,hm_mobile\n"


def schools_csv(*rows: str) -> str:
    return SCHOOLS_HEADER + "\n".join(rows) + "\n"


def codes(result) -> list[tuple[int, str, str]]:
    return [(e.row, e.field, e.code) for e in result.errors]


def test_real_districts_and_blocks_of_madhya_pradesh(world):
    districts = (DATA / "mp_districts.csv").read_text(encoding="utf-8")
    # Three districts created in 2023 have no LGD code yet; they cannot be imported by code.
    rows = [r for r in csv.DictReader(io.StringIO(districts)) if r["district_code"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name_en", "name_hi"])
    for r in rows:
        writer.writerow([r["district_code"], r["name_en"], r["name_hi"]])
    result = import_units_csv(level=Level.DISTRICT, data=out.getvalue(), state=world.state)
    assert result.ok, result.errors
    # Bhopal and Sehore are in the test world already, under the same LGD codes.
    assert result.created == len(rows) - 2
    assert result.updated + result.unchanged == 2

    by_name = {r["name_en"]: r["district_code"] for r in rows}
    blocks = csv.DictReader(io.StringIO((DATA / "mp_blocks.csv").read_text(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["district_code", "code", "name_en", "name_hi"])
    count = 0
    for b in blocks:
        writer.writerow(
            [by_name[b["district_name_en"]], b["block_code"], b["name_en"], b["name_hi"]]
        )
        count += 1
    result = import_units_csv(level=Level.BLOCK, data=out.getvalue(), state=world.state)
    assert result.ok, result.errors[:3]
    assert count == 313
    assert OrgUnit.objects.filter(level=Level.BLOCK).count() == 313
    barwani = OrgUnit.objects.get(level=Level.DISTRICT, name_en="Barwani")
    assert OrgUnit.objects.children_of(barwani).exclude(name_hi="").count() == 7


def test_schools_import_and_reimport_changes_nothing(world):
    data = schools_csv(
        "3778-01,23320100301,GPS Misrod,शा.प्रा.शा. मिसरोद,1,10:30,9876512345",
        "3982-01,23330100201,GMS Ashta,शा.मा.शा. आष्टा,4,,",
    )
    first = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    assert (first.created, first.updated, first.unchanged, first.errors) == (2, 0, 0, [])
    misrod = School.objects.get(unit__code="23320100301")
    assert misrod.unit.block == world.block_x and misrod.unit.district == world.district_a
    assert misrod.start_time.strftime("%H:%M") == "10:30"
    assert list(misrod.classes) == [1, 2, 3, 4, 5]

    again = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_changed_category_and_name_update_in_place(world):
    data = schools_csv(f"3778-01,{world.school_a.udise_code},GPS Kolar New,,2,10:00,")
    result = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    assert (result.created, result.updated) == (0, 1)
    world.school_a.refresh_from_db()
    world.school_a.unit.refresh_from_db()
    assert world.school_a.unit.name_en == "GPS Kolar New"
    assert list(world.school_a.classes) == list(range(1, 9))


def test_moving_a_cluster_carries_its_schools_along(world):
    data = "block_code,code,name_en,name_hi\n3982,3778-01,Phanda cluster 1,\n"
    result = import_units_csv(level=Level.CLUSTER, data=data, state=world.state)
    assert result.updated == 1
    world.school_a.unit.refresh_from_db()
    assert world.school_a.unit.block == world.block_z
    assert world.school_a.unit.district == world.district_b
    assert world.school_a.unit in OrgUnit.objects.subtree(world.district_b)
    assert world.school_a.unit not in OrgUnit.objects.subtree(world.block_x)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("3778-01,2332010030,GPS Ten,,1,,", [(2, "udise_code", "bad_udise")]),
        ("3778-01,2332010030X,GPS X,,1,,", [(2, "udise_code", "bad_udise")]),
        ("9999-99,23320100301,GPS Lost,,1,,", [(2, "cluster_code", "unknown_parent")]),
        ("3778-01,23320100301,,,1,,", [(2, "name_en", "required")]),
        ("3778-01,23320100301,GPS,,99,,", [(2, "category", "bad_category")]),
        ("3778-01,23320100301,GPS,,1,25:00,", [(2, "start_time", "bad_time")]),
        ("3778-01,23320100301,GPS,,1,10:00,12345", [(2, "hm_mobile", "bad_mobile")]),
        ("3778-01,23320100301,GPS,,1,10:00", [(2, "", "malformed_row")]),
        ("3778-01,23320100301,GPS,,1,10:00,,extra", [(2, "", "malformed_row")]),
    ],
)
def test_bad_rows_are_reported_by_row_and_nothing_is_written(world, row, expected):
    good = "3778-01,23320100401,GPS Good,,1,,"
    before = OrgUnit.objects.count()
    result = import_units_csv(level=Level.SCHOOL, data=schools_csv(row, good), state=world.state)
    assert codes(result) == expected
    assert OrgUnit.objects.count() == before
    assert not OrgUnit.objects.filter(code="23320100401").exists()
    hindi, english = result.errors[0].message_hi, result.errors[0].message_en
    assert hindi and english and hindi != english


def test_duplicate_udise_code_in_a_file_is_reported_on_the_second_row(world):
    data = schools_csv(
        "3778-01,23320100301,GPS One,,1,,",
        "3778-01,23320100302,GPS Two,,1,,",
        "3777-01,23320100301,GPS Three,,1,,",
    )
    result = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    assert codes(result) == [(4, "udise_code", "duplicate")]
    assert "2" in result.errors[0].message_en


def test_every_bad_row_is_reported_not_just_the_first(world):
    data = schools_csv("x,1,,,1,,", "3778-01,23320100301,GPS,,1,,", "y,2,GPS,,0,,")
    result = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    assert {e.row for e in result.errors} == {2, 4}


def test_unknown_district_code_for_a_block(world):
    data = "district_code,code,name_en,name_hi\n999,9001,Nowhere,\n"
    result = import_units_csv(level=Level.BLOCK, data=data, state=world.state)
    assert codes(result) == [(2, "district_code", "unknown_parent")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\xff\xfe\x00garbage", "encoding"),
        (b"udise_code,name_en\n1,x\n", "missing_columns"),
        (b'cluster_code,udise_code,name_en\n"3778-01,23320100301,unterminated\n', None),
    ],
)
def test_unreadable_files_are_rejected_whole(world, data, code):
    result = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    assert not result.ok
    if code:
        assert result.errors[0].code == code


def test_dry_run_counts_but_writes_nothing(world):
    data = schools_csv("3778-01,23320100301,GPS Misrod,,1,,")
    result = import_units_csv(level=Level.SCHOOL, data=data, state=world.state, dry_run=True)
    assert result.created == 1
    assert not OrgUnit.objects.filter(code="23320100301").exists()


def test_rejected_rows_download_is_safe_against_formulas(world):
    data = schools_csv("=HYPERLINK(1),23320100301,GPS,,1,,")
    result = import_units_csv(level=Level.SCHOOL, data=data, state=world.state)
    text = errors_as_csv(result.errors)
    assert "reason_hi" in text.splitlines()[0]
    for row in csv.reader(io.StringIO(text)):
        assert all(not cell.startswith("=") for cell in row)


def test_command_imports_and_reports(world, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "schools.csv"
    good.write_text(schools_csv("3778-01,23320100301,GPS Misrod,,1,,"), encoding="utf-8")
    call_command("import_orgunits", "school", str(good))
    assert "1 new" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(schools_csv("3778-01,123,GPS,,1,,"), encoding="utf-8")
    errors = tmp_path / "errors.csv"
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_orgunits", "school", str(bad), "--errors-csv", str(errors))
    assert "bad_udise" in errors.read_text(encoding="utf-8")
