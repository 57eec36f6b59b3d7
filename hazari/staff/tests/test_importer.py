import datetime

import pytest
from django.utils import timezone

from hazari.imports.models import ImportBatch, Status
from hazari.imports.tests.helpers import logged_in, upload, xlsx
from hazari.staff.models import REASON_HRMIS, REASON_TRANSFERRED, Posting, Source
from hazari.staff.tests.helpers import make_posting

D = datetime.date
HEADER = "employee_code,name,designation,udise_code,mobile,posted_on\n"
A, B, C, D_SCHOOL = "23320100101", "23320100201", "23320200101", "23330100101"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def send(user, content: bytes, name: str = "hrmis.csv") -> ImportBatch:
    """Upload and check; the test settings run the check at once."""
    upload(logged_in(user), "staff", name, content)
    return ImportBatch.objects.latest("created")


def send_and_apply(user, content: bytes, name: str = "hrmis.csv") -> ImportBatch:
    batch = send(user, content, name)
    assert batch.status == Status.CHECKED, list(batch.problems.values_list("code", "message_en"))
    logged_in(user).post(f"/imports/{batch.pk}/apply/")
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED
    return batch


def counts(batch: ImportBatch) -> tuple[int, int, int, int]:
    return (batch.new, batch.changed, batch.unchanged, batch.rejected)


def test_check_counts_and_writes_nothing_then_apply_writes(world):
    content = csv_file(
        f"emp7001,Ravi Kumar,Primary Teacher,{A},9876512345,2021-07-01",
        f"EMP7002,Sita Devi,Head Master,{A},,01-07-2019",
        f"EMP7003,Mohan Lal,Middle School Teacher,{B},+91 98765 12346,01/04/2020",
    )
    batch = send(world.dinesh, content)
    assert (batch.status, batch.rows) == (Status.CHECKED, 3)
    assert counts(batch) == (3, 0, 0, 0)
    assert not Posting.objects.exists()

    logged_in(world.dinesh).post(f"/imports/{batch.pk}/apply/")
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED
    postings = {p.employee_code: p for p in Posting.objects.all()}
    assert set(postings) == {"EMP7001", "EMP7002", "EMP7003"}
    ravi = postings["EMP7001"]
    assert (ravi.school, ravi.start_date, ravi.mobile, ravi.end_date) == (
        world.school_a,
        D(2021, 7, 1),
        "9876512345",
        None,
    )
    assert (ravi.source, ravi.created_by, ravi.reason) == (Source.HRMIS, world.dinesh, REASON_HRMIS)
    assert postings["EMP7002"].start_date == D(2019, 7, 1)
    assert postings["EMP7003"].mobile == "9876512346"
    record = ravi.history.get()
    assert (record.history_type, record.history_user) == ("+", world.dinesh)
    assert "hrmis.csv" in record.history_change_reason


def test_the_same_file_again_changes_nothing(world):
    content = csv_file(
        f"EMP7001,Ravi Kumar,Primary Teacher,{A},9876512345,2021-07-01",
        f"EMP7002,Sita Devi,Head Master,{A},,",
    )
    send_and_apply(world.dinesh, content)
    before = list(Posting.objects.order_by("pk").values())
    again = send_and_apply(world.dinesh, content)
    assert counts(again) == (0, 0, 2, 0)
    assert list(Posting.objects.order_by("pk").values()) == before
    assert Posting.history.count() == 2


def test_changed_details_are_updated_in_place(world):
    send_and_apply(world.dinesh, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{A},9876512345,"))
    ravi = Posting.objects.get()
    batch = send_and_apply(
        world.dinesh,
        csv_file(f"EMP7001,Ravi Kumar Sharma,Head Master,{A},9876512399,2015-01-01"),
        "v2.csv",
    )
    assert counts(batch) == (0, 1, 0, 0)
    updated = Posting.objects.get()
    assert updated.pk == ravi.pk
    assert (updated.name, updated.designation, updated.mobile) == (
        "Ravi Kumar Sharma",
        "Head Master",
        "9876512399",
    )
    assert updated.start_date == ravi.start_date  # posted_on only opens postings
    latest = updated.history.latest()
    assert latest.history_type == "~" and "v2.csv" in latest.history_change_reason


def test_an_empty_mobile_leaves_the_mobile_as_it_is(world):
    make_posting(world.school_a, "EMP7001", mobile="9876512345")
    without_column = "employee_code,name,designation,udise_code\n"
    batch = send_and_apply(
        world.dinesh, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{A}", header=without_column)
    )
    assert counts(batch) == (0, 0, 1, 0)
    batch = send_and_apply(world.dinesh, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{A},,"))
    assert counts(batch) == (0, 0, 1, 0)
    assert Posting.objects.get().mobile == "9876512345"


def test_posted_on_defaults_to_today(world):
    without_column = "employee_code,name,designation,udise_code\n"
    send_and_apply(
        world.dinesh, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{A}", header=without_column)
    )
    assert Posting.objects.get().start_date == timezone.localdate()


def test_a_move_to_another_school_is_a_transfer(world):
    old = make_posting(world.school_a, "EMP7001", start=D(2021, 7, 1))
    batch = send_and_apply(
        world.dinesh, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{C},,2025-04-01")
    )
    assert counts(batch) == (0, 1, 0, 0)
    old.refresh_from_db()
    assert (old.end_date, old.ended_reason) == (D(2025, 3, 31), REASON_TRANSFERRED)
    new = Posting.objects.current().get(employee_code="EMP7001")
    assert (new.school, new.start_date) == (world.school_c, D(2025, 4, 1))
    by_day = Posting.objects.filter(employee_code="EMP7001")
    assert [p.school for p in by_day.on(D(2025, 3, 31))] == [world.school_a]
    assert [p.school for p in by_day.on(D(2025, 4, 1))] == [world.school_c]
    ended = old.history.latest()
    assert (ended.history_type, ended.history_user) == ("~", world.dinesh)

    # The same file again: nothing moves.
    again = send_and_apply(
        world.dinesh, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{C},,2025-04-01")
    )
    assert counts(again) == (0, 0, 1, 0)
    assert Posting.objects.filter(employee_code="EMP7001").count() == 2


def test_staff_missing_from_the_file_are_left_alone(world):
    make_posting(world.school_a, "EMP7001")
    make_posting(world.school_b, "EMP7002")
    send_and_apply(world.dinesh, csv_file(f"EMP7003,Sita Devi,Head Master,{A},,2021-07-01"))
    assert set(Posting.objects.current().values_list("employee_code", flat=True)) == {
        "EMP7001",
        "EMP7002",
        "EMP7003",
    }


def test_the_state_administrator_moves_staff_between_districts(world):
    make_posting(world.school_d, "EMP7001", start=D(2021, 7, 1))  # Sehore
    send_and_apply(world.arjun, csv_file(f"EMP7001,Ravi Kumar,Primary Teacher,{A},,2025-04-01"))
    assert Posting.objects.current().get().school == world.school_a


def test_xlsx_with_dates_and_numbers_as_such(world):
    content = xlsx(
        [
            ["Employee Code", "Name", "Designation", "UDISE Code", "Mobile", "Posted On"],
            ["EMP7001", "Ravi Kumar", "Primary Teacher", 23320100101, 9876512345, D(2021, 7, 1)],
        ]
    )
    send_and_apply(world.dinesh, content, "hrmis.xlsx")
    ravi = Posting.objects.get()
    assert (ravi.school, ravi.mobile, ravi.start_date) == (
        world.school_a,
        "9876512345",
        D(2021, 7, 1),
    )


GOOD = f"EMP7100,Good Row,Primary Teacher,{B},,2021-07-01"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([f"E!,Ravi,Primary Teacher,{A},,"], [(2, "employee_code", "bad_employee_code")]),
        ([f"EMP7001,,Primary Teacher,{A},,"], [(2, "name", "missing_name")]),
        ([f"EMP7001,{'x' * 151},Primary Teacher,{A},,"], [(2, "name", "name_too_long")]),
        ([f"EMP7001,Ravi,,{A},,"], [(2, "designation", "missing_designation")]),
        ([f"EMP7001,Ravi,Primary Teacher,{A},12345,"], [(2, "mobile", "bad_mobile")]),
        ([f"EMP7001,Ravi,Primary Teacher,{A},,2021-13-01"], [(2, "posted_on", "bad_date")]),
        ([f"EMP7001,Ravi,Primary Teacher,{A},,31-02-2021"], [(2, "posted_on", "bad_date")]),
        ([f"EMP7001,Ravi,Primary Teacher,{A},,July 2021"], [(2, "posted_on", "bad_date")]),
        ([f"EMP7001,Ravi,Primary Teacher,{A},,01-01-1900"], [(2, "posted_on", "bad_date")]),
        ([f"EMP7001,Ravi,Primary Teacher,{A},,2999-01-01"], [(2, "posted_on", "future_date")]),
        (["EMP7001,Ravi,Primary Teacher,99999999999,,"], [(2, "udise_code", "unknown_school")]),
        ([f"EMP7001,Ravi,Primary Teacher,{D_SCHOOL},,"], [(2, "udise_code", "outside_area")]),
        (
            [f"EMP7001,Ravi,Primary Teacher,{A},,", f"emp7001,Ravi,Primary Teacher,{B},,"],
            [(3, "employee_code", "duplicate")],
        ),
        ([f"EMP7001,Ravi,Primary Teacher,{A},"], [(2, "", "malformed_row")]),
    ],
)
def test_bad_rows_are_rejected_and_nothing_is_written(world, rows, expected):
    batch = send(world.dinesh, csv_file(GOOD, *rows))
    assert batch.status == Status.REJECTED
    assert [(p.row - 1, p.field, p.code) for p in batch.problems.all()] == expected
    assert all(p.message_hi and p.message_en for p in batch.problems.all())
    assert not Posting.objects.exists()


def test_rejections_that_depend_on_current_postings(world):
    make_posting(world.school_d, "EMP7001", start=D(2021, 7, 1))  # Sehore: outside Bhopal
    make_posting(world.school_a, "EMP7002", start=D(2024, 7, 1))
    make_posting(world.school_a, "EMP7003", start=D(2020, 7, 1), end_date=D(2024, 6, 30))
    before = list(Posting.objects.order_by("pk").values())
    batch = send(
        world.dinesh,
        csv_file(
            GOOD,
            f"EMP7001,Ravi,Primary Teacher,{A},,2025-04-01",
            f"EMP7002,Sita,Primary Teacher,{B},,2024-07-01",  # not after the current start
            f"EMP7003,Mohan,Primary Teacher,{B},,2024-06-30",  # overlaps the ended posting
        ),
    )
    assert batch.status == Status.REJECTED
    assert [(p.row - 1, p.field, p.code) for p in batch.problems.all()] == [
        (2, "employee_code", "posted_outside_area"),
        (3, "posted_on", "before_current_posting"),
        (4, "posted_on", "overlaps_earlier_posting"),
    ]
    problems = list(batch.problems.all())
    assert "Ashta" not in problems[0].message_en and D_SCHOOL not in problems[0].message_en
    assert list(Posting.objects.order_by("pk").values()) == before


def test_rejected_rows_are_explained_in_hindi_and_english(world):
    batch = send(world.dinesh, csv_file(f"EMP7001,,Primary Teacher,{A},,"))
    problem = batch.problems.get()
    assert problem.message_en == "The name is missing."
    assert problem.message_hi == "नाम नहीं लिखा है।"


def test_a_block_officer_cannot_import_staff(world):
    response = upload(logged_in(world.bhavna), "staff", "s.csv", csv_file(GOOD))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()
