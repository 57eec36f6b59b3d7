import pytest
from django.core.management import CommandError, call_command

from hazari.imports.models import ImportBatch, Status
from hazari.imports.tests.helpers import logged_in, upload, xlsx
from hazari.registers.models import Enrolment

HEADER = "udise_code,class,boys,girls\n"


def csv_file(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def counts(school) -> dict[int, tuple[int, int]]:
    return {e.class_no: (e.boys, e.girls) for e in Enrolment.objects.filter(school=school)}


def test_upload_is_checked_first_and_writes_nothing(world):
    client = logged_in(world.dinesh)
    response = upload(
        client,
        "enrolment",
        "bhopal.csv",
        csv_file("23320100101,1,14,12", "23320100101,2,11,13"),
        academic_year=2026,
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    assert (batch.status, batch.rows, batch.new, batch.rejected) == (Status.CHECKED, 2, 2, 0)
    assert not Enrolment.objects.exists()
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-testid="new">2<' in page


def test_apply_writes_and_keeps_history(world):
    client = logged_in(world.dinesh)
    upload(client, "enrolment", "v1.csv", csv_file("23320100101,1,14,12"), academic_year=2026)
    first = ImportBatch.objects.get()
    client.post(f"/imports/{first.pk}/apply/")
    first.refresh_from_db()
    assert first.status == Status.APPLIED
    assert counts(world.school_a) == {1: (14, 12)}

    # The same file again changes nothing.
    upload(client, "enrolment", "v1.csv", csv_file("23320100101,1,14,12"), academic_year=2026)
    again = ImportBatch.objects.latest("created")
    assert (again.new, again.changed, again.unchanged) == (0, 0, 1)

    # A newer file updates the counts; the history says who, when and which file.
    upload(client, "enrolment", "v2.csv", csv_file("23320100101,1,15,12"), academic_year=2026)
    newer = ImportBatch.objects.latest("created")
    assert newer.changed == 1
    client.post(f"/imports/{newer.pk}/apply/")
    assert counts(world.school_a) == {1: (15, 12)}
    history = Enrolment.objects.get(school=world.school_a).history.order_by("history_date")
    assert [(h.boys, h.history_user, h.history_type) for h in history] == [
        (14, world.dinesh, "+"),
        (15, world.dinesh, "~"),
    ]
    assert "v2.csv" in history.last().history_change_reason


def test_apply_twice_applies_once(world):
    client = logged_in(world.dinesh)
    upload(client, "enrolment", "e.csv", csv_file("23320100101,1,14,12"), academic_year=2026)
    batch = ImportBatch.objects.get()
    client.post(f"/imports/{batch.pk}/apply/")
    client.post(f"/imports/{batch.pk}/apply/")
    assert Enrolment.objects.get().history.count() == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["23320100101,1,abc,12"], [(2, "boys", "bad_count")]),
        (["23320100101,1,-3,12"], [(2, "boys", "bad_count")]),
        (["23320100101,1,2.5,12"], [(2, "boys", "bad_count")]),
        (["23320100101,1,9000,12"], [(2, "boys", "count_too_large")]),
        (["99999999999,1,1,1"], [(2, "udise_code", "unknown_school")]),
        (["23330100101,9,1,1"], [(2, "udise_code", "outside_area")]),  # Sehore, not Bhopal
        (["23320100101,9,1,1"], [(2, "class", "class_not_taught")]),  # a primary school
        (["23320100101,13,1,1"], [(2, "class", "bad_class")]),
        (["23320100101,1,1,1", "23320100101,1,2,2"], [(3, "class", "duplicate")]),
        (["23320100101,1,1"], [(2, "", "malformed_row")]),
    ],
)
def test_bad_rows_are_rejected_by_row_and_nothing_is_written(world, rows, expected):
    client = logged_in(world.dinesh)
    good = "23320100201,6,10,10"
    upload(client, "enrolment", "bad.csv", csv_file(good, *rows), academic_year=2026)
    batch = ImportBatch.objects.get()
    assert batch.status == Status.REJECTED
    assert [(p.row - 1, p.field, p.code) for p in batch.problems.all()] == expected
    assert not Enrolment.objects.exists()
    problems_csv = client.get(f"/imports/{batch.pk}/rejected-rows.csv").content.decode()
    assert expected[0][2] in problems_csv and "reason_hi" in problems_csv


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("cols.csv", b"udise,class,boys\n23320100101,1,3\n", "missing_columns"),
        ("empty.xlsx", xlsx([]), "empty"),
        ("junk.xlsx", b"PK\x03\x04 this is not a workbook", "bad_xlsx"),
        ("two.xlsx", xlsx([["udise_code", "class", "boys", "girls"]], [["x"]]), "several_sheets"),
        ("latin1.csv", HEADER.encode() + "23320100101,1,\xe9,1\n".encode("latin-1"), "encoding"),
    ],
)
def test_unreadable_files_are_rejected_whole(world, name, content, code):
    upload(logged_in(world.dinesh), "enrolment", name, content)
    batch = ImportBatch.objects.get()
    assert batch.status == Status.REJECTED
    assert batch.problems.get().code == code


def test_empty_and_oversized_uploads_are_refused_by_the_form(world, settings):
    client = logged_in(world.dinesh)
    response = upload(client, "enrolment", "empty.csv", b"")
    assert response.status_code == 200 and "file" in response.context["form"].errors
    settings.IMPORT_MAX_UPLOAD_MB = 1
    big = HEADER.encode() + b"23320100101,1,1,1\n" * 60_000  # over 1 MB
    response = upload(client, "enrolment", "big.csv", big)
    assert response.status_code == 200
    assert "MB" in str(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_fifty_megabyte_file_is_refused_with_the_default_limit(world):
    big = HEADER.encode() + b"23320100101,1,1,1\n" * (50 * 1024 * 1024 // 18)
    response = upload(logged_in(world.dinesh), "enrolment", "state.csv", big)
    assert "25 MB" in str(response.context["form"].errors["file"])
    assert not ImportBatch.objects.exists()


def test_xlsx_with_numbers_as_numbers(world):
    content = xlsx([["UDISE Code", "Class", "Boys", "Girls"], [23320100101, 1, 14, 12.0]])
    client = logged_in(world.dinesh)
    upload(client, "enrolment", "e.xlsx", content, academic_year=2026)
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.new) == (Status.CHECKED, 1), list(batch.problems.values())
    client.post(f"/imports/{batch.pk}/apply/")
    assert counts(world.school_a) == {1: (14, 12)}


def test_block_officer_cannot_import(world):
    response = upload(logged_in(world.bhavna), "enrolment", "e.csv", csv_file("23320100101,1,1,1"))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_imports_are_seen_only_inside_the_area(world):
    upload(logged_in(world.dinesh), "enrolment", "e.csv", csv_file("23320100101,1,1,1"))
    batch = ImportBatch.objects.get()
    assert logged_in(world.zoya).get(f"/imports/{batch.pk}/").status_code == 404
    assert logged_in(world.zoya).post(f"/imports/{batch.pk}/apply/").status_code == 404
    assert logged_in(world.arjun).get(f"/imports/{batch.pk}/").status_code == 200
    # The state administrator sees it but only the uploader confirms it.
    assert logged_in(world.arjun).post(f"/imports/{batch.pk}/apply/").status_code == 403


def test_command_imports_all_or_nothing(world, tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(csv_file("23320100101,1,14,12", "23330100101,9,10,10"))
    call_command("import_register", "enrolment", str(path), "--academic-year", "2026")
    assert counts(world.school_a) == {1: (14, 12)}
    path.write_bytes(csv_file("23320100101,1,20,20", "23330100101,13,10,10"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_register", "enrolment", str(path), "--academic-year", "2026")
    assert counts(world.school_a) == {1: (14, 12)}
