import datetime
import random

import pytest
import time_machine
from django.core.management import CommandError, call_command

from hazari.imports.models import ImportBatch, Status
from hazari.imports.tests.helpers import logged_in, upload, xlsx
from hazari.registers.models import PastStay, Student
from hazari.registers.students_import import SeenIds, StudentImporter, id_key, parse_date

HEADER = "student_id,name,gender,class,section,udise_code,date_of_birth\n"
# School A (23320100101) is primary, 1–5; school B (23320100201) middle, 6–8; school C
# (23320200101) 1–8 in another block of the same district; school D (23330100101) is in Sehore.
RAVI = "123456789,Ravi Kumar,M,3,A,23320100101,2017-06-14"
SITA = "123456790,Sita Devi,F,7,,23320100201,"
MEERA = "ABC1234567,Meera Bai,T,1,B,23320200101,01-07-2019"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def register() -> dict[str, tuple]:
    return {
        s.student_id: (s.name, s.gender, s.class_no, s.section, s.school_id, s.date_of_birth)
        for s in Student.objects.all()
    }


def import_file(client, content: bytes, name: str = "students.csv") -> ImportBatch:
    upload(client, "students", name, content)
    batch = ImportBatch.objects.latest("created")
    if batch.status == Status.CHECKED:
        client.post(f"/imports/{batch.pk}/apply/")
        batch.refresh_from_db()
    return batch


def test_upload_is_checked_first_and_writes_nothing(world):
    client = logged_in(world.dinesh)
    response = upload(client, "students", "s.csv", csv_file(RAVI, SITA, MEERA))
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/"
    assert (batch.status, batch.rows, batch.new, batch.rejected) == (Status.CHECKED, 3, 3, 0)
    assert not Student.objects.exists()
    assert 'data-testid="new">3<' in client.get(f"/imports/{batch.pk}/").content.decode()


def test_apply_writes_the_register(world):
    batch = import_file(logged_in(world.dinesh), csv_file(RAVI, SITA, MEERA))
    assert (batch.status, batch.new) == (Status.APPLIED, 3)
    assert register() == {
        "123456789": ("Ravi Kumar", "M", 3, "A", world.school_a.pk, datetime.date(2017, 6, 14)),
        "123456790": ("Sita Devi", "F", 7, "", world.school_b.pk, None),
        "ABC1234567": ("Meera Bai", "T", 1, "B", world.school_c.pk, datetime.date(2019, 7, 1)),
    }


def test_reimport_is_unchanged_and_changes_update(world):
    client = logged_in(world.dinesh)
    import_file(client, csv_file(RAVI, SITA, MEERA))
    stamp = Student.objects.get(student_id="123456790").updated

    again = import_file(client, csv_file(RAVI, SITA, MEERA))
    assert (again.status, again.new, again.changed, again.unchanged) == (Status.APPLIED, 0, 0, 3)
    assert Student.objects.get(student_id="123456790").updated == stamp

    newer = import_file(
        client,
        csv_file(
            "123456789,Ravi  Kumar Sahu,M,4,A,23320100101,2017-06-14",  # name and class
            SITA,
            "abc1234567,Meera Bai,T,6,,23320200101,01-07-2019",  # lower case ID; class, section
            "555,New Child,f,1,,23320100101,",
        ),
    )
    assert (newer.status, newer.new, newer.changed, newer.unchanged) == (Status.APPLIED, 1, 2, 1)
    assert register()["123456789"][:3] == ("Ravi Kumar Sahu", "M", 4)
    assert register()["ABC1234567"][2:4] == (6, "")
    assert register()["555"][:2] == ("New Child", "F")
    assert Student.objects.get(student_id="123456790").updated == stamp


def test_names_with_quotes_and_commas_survive_insert_and_update(world):
    client = logged_in(world.dinesh)
    import_file(client, csv_file(RAVI, SITA))
    tricky = 'Ravi "Raju" O\'Brien, {Jr.} \\ रवि'
    escaped = tricky.replace('"', '""')
    batch = import_file(
        client,
        csv_file(
            f'123456789,"{escaped}",M,3,A,23320100101,2017-06-14',
            "123456790,Sita Devi,F,8,,23320100201,2018-01-31",  # class and date of birth
            f'777,"{escaped}",T,2,,23320100101,',  # new
        ),
    )
    assert (batch.status, batch.changed, batch.new) == (Status.APPLIED, 2, 1)
    assert register()["123456789"][0] == tricky
    assert register()["777"] == (tricky, "T", 2, "", world.school_a.pk, None)
    assert register()["123456790"] == (
        "Sita Devi",
        "F",
        8,
        "",
        world.school_b.pk,
        datetime.date(2018, 1, 31),
    )
    assert Student.objects.get(student_id="123456790").updated > batch.created


def test_a_move_between_schools_of_the_area_is_a_change(world):
    client = logged_in(world.dinesh)
    import_file(client, csv_file(RAVI))
    moved = import_file(client, csv_file("123456789,Ravi Kumar,M,3,A,23320200101,2017-06-14"))
    assert (moved.status, moved.changed) == (Status.APPLIED, 1)
    assert Student.objects.get().school_id == world.school_c.pk


def test_a_move_to_another_school_or_class_ends_the_stay_and_starts_one(world):
    # What a roll call is judged against: the register of its own day (hazari.students).
    client = logged_in(world.dinesh)
    with time_machine.travel("2026-07-01 09:00 +0530", tick=False):
        import_file(client, csv_file(RAVI, SITA, MEERA))
    first = datetime.date(2026, 7, 1)
    assert set(Student.objects.values_list("since", flat=True)) == {first}
    with time_machine.travel("2026-07-20 09:00 +0530", tick=False):
        import_file(
            client,
            csv_file(
                "123456789,Ravi Kumar,M,4,A,23320100101,2017-06-14",  # promoted to class 4
                "123456790,Sita Devi,F,7,,23320200101,",  # transferred to school C
                "ABC1234567,Meera Bai Devi,T,1,B,23320200101,01-07-2019",  # a new name only
            ),
        )
    moved = datetime.date(2026, 7, 20)
    assert set(
        PastStay.objects.values_list(
            "student__student_id", "school_id", "class_no", "since", "until"
        )
    ) == {
        ("123456789", world.school_a.pk, 3, first, moved),
        ("123456790", world.school_b.pk, 7, first, moved),
    }
    assert dict(Student.objects.values_list("student_id", "since")) == {
        "123456789": moved,
        "123456790": moved,
        "ABC1234567": first,
    }


def test_students_absent_from_the_file_stay_as_they_are(world):
    client = logged_in(world.dinesh)
    import_file(client, csv_file(RAVI, SITA))
    batch = import_file(client, csv_file(SITA))
    assert (batch.new, batch.changed, batch.unchanged) == (0, 0, 1)
    assert Student.objects.filter(is_active=True).count() == 2


def test_an_inactive_student_in_the_file_is_active_again(world):
    client = logged_in(world.dinesh)
    import_file(client, csv_file(RAVI))
    Student.objects.update(is_active=False)
    batch = import_file(client, csv_file(RAVI))
    assert batch.changed == 1
    assert Student.objects.get().is_active


def test_optional_columns_may_be_left_out(world):
    header = "Student ID,Name,Gender,Class,UDISE Code\n"
    batch = import_file(
        logged_in(world.dinesh), csv_file("987654321,Asha,Female,2,23320100101", header=header)
    )
    assert batch.status == Status.APPLIED, list(batch.problems.values())
    assert register() == {"987654321": ("Asha", "F", 2, "", world.school_a.pk, None)}


def test_xlsx_with_numbers_and_dates(world):
    content = xlsx(
        [
            ["student_id", "name", "gender", "class", "section", "udise_code", "date_of_birth"],
            [123456789, "Ravi Kumar", "M", 3.0, "a", 23320100101, datetime.datetime(2017, 6, 14)],
        ]
    )
    batch = import_file(logged_in(world.dinesh), content, "students.xlsx")
    assert batch.status == Status.APPLIED, list(batch.problems.values())
    assert register() == {
        "123456789": ("Ravi Kumar", "M", 3, "A", world.school_a.pk, datetime.date(2017, 6, 14))
    }


TOMORROW = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["12-345,Ravi,M,3,,23320100101,"], [(2, "student_id", "bad_student_id")]),
        ([",Ravi,M,3,,23320100101,"], [(2, "student_id", "bad_student_id")]),
        (["1" * 21 + ",Ravi,M,3,,23320100101,"], [(2, "student_id", "bad_student_id")]),
        (["१२३४,Ravi,M,3,,23320100101,"], [(2, "student_id", "bad_student_id")]),
        (["111, ,M,3,,23320100101,"], [(2, "name", "no_name")]),
        (["111," + "R" * 101 + ",M,3,,23320100101,"], [(2, "name", "name_too_long")]),
        (["111,Ravi,X,3,,23320100101,"], [(2, "gender", "bad_gender")]),
        (["111,Ravi,,3,,23320100101,"], [(2, "gender", "bad_gender")]),
        (["111,Ravi,M,3,,99999999999,"], [(2, "udise_code", "unknown_school")]),
        (["111,Ravi,M,9,,23330100101,"], [(2, "udise_code", "outside_area")]),  # Sehore
        (["111,Ravi,M,6,,23320100101,"], [(2, "class", "class_not_taught")]),  # primary
        (["111,Ravi,M,13,,23320100101,"], [(2, "class", "bad_class")]),
        (["111,Ravi,M,III,,23320100101,"], [(2, "class", "bad_class")]),
        (["111,Ravi,M,3,ABCDEFGHIJK,23320100101,"], [(2, "section", "section_too_long")]),
        (["111,Ravi,M,3,,23320100101,2017-02-30"], [(2, "date_of_birth", "bad_date")]),
        (["111,Ravi,M,3,,23320100101,14 June 2017"], [(2, "date_of_birth", "bad_date")]),
        (["111,Ravi,M,3,,23320100101,06/31/2017"], [(2, "date_of_birth", "bad_date")]),
        ([f"111,Ravi,M,3,,23320100101,{TOMORROW}"], [(2, "date_of_birth", "future_date")]),
        (
            [
                "111,Ravi,M,3,,23320100101,",
                "222,Sita,F,4,,23320100101,",
                "111,Ravi,M,4,,23320100101,",
            ],
            [(4, "student_id", "duplicate")],
        ),
        (["111,Ravi,M,3,,23320100101"], [(2, "", "malformed_row")]),
        (
            ["1-1,,Q,0,,99999999999,2099-01-01"],
            [
                (2, "student_id", "bad_student_id"),
                (2, "name", "no_name"),
                (2, "gender", "bad_gender"),
                (2, "udise_code", "unknown_school"),
                (2, "class", "bad_class"),
                (2, "date_of_birth", "future_date"),
            ],
        ),
    ],
)
def test_bad_rows_are_rejected_by_row_and_nothing_is_written(world, rows, expected):
    client = logged_in(world.dinesh)
    upload(client, "students", "bad.csv", csv_file(SITA, *rows))
    batch = ImportBatch.objects.get()
    assert batch.status == Status.REJECTED
    assert [(p.row - 1, p.field, p.code) for p in batch.problems.all()] == expected
    assert not Student.objects.exists()
    problems_csv = client.get(f"/imports/{batch.pk}/rejected-rows.csv").content.decode()
    assert expected[0][2] in problems_csv and "reason_hi" in problems_csv


MOBILE_HEADER = HEADER.rstrip("\n") + ",guardian_mobile\n"


def mobiles() -> dict[str, str]:
    return dict(Student.objects.values_list("student_id", "guardian_mobile"))


def test_a_guardians_mobile_is_stored_only_where_the_file_has_it(world):
    client = logged_in(world.dinesh)
    rows = [RAVI + ",+91 98765 43210", SITA + ",09876543211", MEERA + ","]
    batch = import_file(client, csv_file(*rows, header=MOBILE_HEADER))
    assert batch.status == Status.APPLIED
    assert mobiles() == {"123456789": "9876543210", "123456790": "9876543211", "ABC1234567": ""}
    # A later file without the column leaves the numbers as they are: nothing changed.
    batch = import_file(client, csv_file(RAVI, SITA, MEERA))
    assert (batch.status, batch.changed, batch.unchanged) == (Status.APPLIED, 0, 3)
    assert mobiles()["123456789"] == "9876543210"
    # A file with the column and an empty cell: the number is gone.
    batch = import_file(client, csv_file(RAVI + ",", header=MOBILE_HEADER))
    assert batch.changed == 1 and mobiles()["123456789"] == ""


@pytest.mark.parametrize("mobile", ["12345", "5876543210", "98765432101", "98765-4321x"])
def test_a_bad_guardians_mobile_is_refused_by_field(world, mobile):
    client = logged_in(world.dinesh)
    upload(client, "students", "bad.csv", csv_file(RAVI + f",{mobile}", header=MOBILE_HEADER))
    batch = ImportBatch.objects.get()
    assert batch.status == Status.REJECTED
    assert [(p.field, p.code) for p in batch.problems.all()] == [("guardian_mobile", "bad_mobile")]
    assert not Student.objects.exists()


def test_a_duplicate_names_the_first_row_across_chunks(world, monkeypatch):
    monkeypatch.setattr(StudentImporter, "chunk_size", 2)
    rows = [f"{100 + i},Child {i},M,1,,23320100101," for i in range(5)]
    upload(
        logged_in(world.dinesh),
        "students",
        "d.csv",
        csv_file(*rows, rows[1], "0101,X,F,2,,23320100101,"),
    )
    batch = ImportBatch.objects.get()
    problem = batch.problems.get()
    assert (problem.row, problem.code) == (7, "duplicate")
    assert problem.message_en == "The student ID 101 is already on row 3."
    assert "3" in problem.message_hi
    assert batch.new == 6  # "0101" is not "101"


def test_a_student_of_a_school_outside_the_area_is_not_moved(world):
    import_file(logged_in(world.zoya), csv_file("777,Kiran,F,9,,23330100101,"))
    upload(logged_in(world.dinesh), "students", "s.csv", csv_file("777,Kiran,F,3,,23320100101,"))
    batch = ImportBatch.objects.latest("created")
    assert batch.status == Status.REJECTED
    assert [(p.field, p.code) for p in batch.problems.all()] == [
        ("student_id", "student_outside_area")
    ]
    assert Student.objects.get().school_id == world.school_d.pk


def test_a_failure_found_while_applying_leaves_nothing_written(world):
    """Checked clean, but a school closed before the file was applied: nothing is written,
    not even the rows read before the closed school's."""
    client = logged_in(world.dinesh)
    upload(client, "students", "s.csv", csv_file(RAVI, SITA, MEERA))
    batch = ImportBatch.objects.get()
    assert batch.status == Status.CHECKED
    world.school_c.unit.is_active = False
    world.school_c.unit.save()
    client.post(f"/imports/{batch.pk}/apply/")
    batch.refresh_from_db()
    assert batch.status == Status.REJECTED
    assert batch.problems.get().code == "unknown_school"
    assert not Student.objects.exists()


def test_command_imports_all_or_nothing(world, tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(csv_file(RAVI, "888,Kiran,F,9,,23330100101,"))
    call_command("import_register", "students", str(path))
    assert set(register()) == {"123456789", "888"}
    path.write_bytes(csv_file("999,New,M,1,,23320100101,", "888,Kiran,F,13,,23330100101,"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_register", "students", str(path))
    assert set(register()) == {"123456789", "888"}


def test_block_officer_cannot_import(world):
    response = upload(logged_in(world.bhavna), "students", "s.csv", csv_file(RAVI))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


# --- The parts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2017-06-14", datetime.date(2017, 6, 14)),
        ("14-06-2017", datetime.date(2017, 6, 14)),
        ("14/06/2017", datetime.date(2017, 6, 14)),
        ("4.6.2017", datetime.date(2017, 6, 4)),
        ("2017-13-01", None),
        ("31/02/2017", None),
        ("2017/06/14", None),
        ("20170614", None),
        ("yesterday", None),
    ],
)
def test_parse_date(raw, day):
    assert parse_date(raw) == day


def test_id_keys_are_exact_for_digits_and_never_zero():
    assert id_key("0123") != id_key("123") != id_key("00123")
    assert id_key("12345678901234567") != id_key("1234567890123456")
    assert id_key("99999999999999999") < 1 << 64
    assert all(id_key(s) > 0 for s in ["0", "A", "123456789012345678", "Z" * 20])
    assert id_key("123456789012345678") != id_key("12345678901234567")  # 18 digits: hashed


def test_seen_ids_grow_and_remember_first_rows():
    seen = SeenIds(bits=4)
    ids = [str(n) for n in random.Random(1).sample(range(10**9), 5000)] + ["AB12", "X9"]
    for row, sid in enumerate(ids, start=2):
        assert seen.first_row(id_key(sid), row) == row
    assert seen.count == len(ids)
    for row, sid in enumerate(ids, start=2):
        assert seen.first_row(id_key(sid), 99999) == row
    assert seen.count == len(ids)
    assert seen.nbytes == 12 * 8192  # 5002 keys fit under 70% of 2**13 slots


def test_seen_ids_handle_consecutive_ids():
    seen = SeenIds()
    for n in range(200_000):
        seen.first_row(id_key(str(10**8 + n)), n + 2)
    assert seen.first_row(id_key(str(10**8 + 123)), 0) == 125
    assert seen.nbytes == 12 * 2**19  # 200,000 keys, at most 70% full


def test_with_debug_on_the_query_log_does_not_grow_with_the_file(world, settings, monkeypatch):
    from django.db import connection

    settings.DEBUG = True
    monkeypatch.setattr(StudentImporter, "chunk_size", 2)
    rows = [f"{100 + i},Child {i},M,1,,23320100101," for i in range(40)]
    import_file(logged_in(world.dinesh), csv_file(*rows))
    assert Student.objects.count() == 40
    assert len(connection.queries) < 20  # the last chunk's and the engine's, not 20 chunks'
