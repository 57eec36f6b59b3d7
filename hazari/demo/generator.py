"""Building the demo state: Madhya Pradesh's real districts and blocks, with made-up clusters,
schools, people, enrolment and staff postings below them (see hazari.demo.plan for what is
made up, and how), and the academic session running today.

Units go in through hazari.orgunits.importing.import_units, the path a CSV import takes, so
that building the demo also exercises the importer at the state's real size. Users, enrolment
and postings (one for every teacher, with its history record) go in with bulk inserts.

Mauganj, Maihar and Pandhurna (districts since 2023) are created, but the block list still
has their blocks under Rewa, Satna and Chhindwara, so they have no blocks and no schools.
"""

import datetime
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from tqdm import tqdm

from hazari.accounts.models import User
from hazari.accounts.roles import Role
from hazari.demo.people import Person, people, teachers_for
from hazari.demo.plan import SCALES, StatePlan, plan_state
from hazari.demo.sources import STATE_CODE, STATE_NAME_EN, STATE_NAME_HI
from hazari.demo.students import children_in, write_register
from hazari.demo.wipe import StillReferenced, delete_all
from hazari.lib.bulk import bulk_insert_with_history
from hazari.orgunits.categories import class_range
from hazari.orgunits.importing import import_units
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import Enrolment, PastStay, Student, academic_year_of
from hazari.schooldays.models import AcademicSession
from hazari.schooldays.services import session_ensure
from hazari.staff.models import REASON_HRMIS, Posting, Source

DEMO_PASSWORD = "hazari-demo"  # noqa: S105 (public: printed with every demo log-in)
BATCH = 5000

Log = Callable[[str], None]


class BuildError(Exception):
    """The demo could not be built; nothing was written."""


def state_exists() -> bool:
    return OrgUnit.objects.filter(level=Level.STATE).exists()


def build(
    *,
    scale: str,
    seed: int,
    schools: int | None = None,
    reset: bool = False,
    students: bool = True,
    log: Log = print,
    progress: bool = True,
) -> None:
    """Build the demo state; with reset, first delete what is there.

    Everything happens in one transaction: a build that fails half-way (or is interrupted)
    leaves the database as it was. That matters because `--if-empty` takes "a state exists"
    to mean "the demo is built"; a half-built demo left behind would never be repaired.
    PostgreSQL and SQLite both take the full state's million rows in one transaction.
    """
    started = time.perf_counter()
    plan = plan_state(SCALES[scale], seed, schools)
    log(f"Planned {scale} scale with seed {seed} in {time.perf_counter() - started:.1f} s.")
    with _progress_bar(_rows_to_write(plan, students), progress) as bar:
        with transaction.atomic():
            if reset:
                _timed("reset", bar, log, reset_demo)
                bar.reset()  # so that the rate and the time left count only the build
            elif state_exists():
                raise BuildError("A state already exists.")
            state = OrgUnit.objects.create(
                level=Level.STATE, code=STATE_CODE, name_en=STATE_NAME_EN, name_hi=STATE_NAME_HI
            )
            for level, rows in _unit_rows(plan):
                phase = f"{Level(level).name.lower()}s"
                _timed(phase, bar, log, _import, level, rows, state, bar)
            _timed("enrolment", bar, log, _write_enrolment, plan, bar)
            if students:
                _timed("students", bar, log, _write_students, plan, seed, bar)
            _timed("accounts", bar, log, _write_people, plan, seed, bar)
            _timed("postings", bar, log, _write_postings, plan, seed, bar)
            _timed("calendar", bar, log, _write_session, state)
            if students and SCALES[scale].roll_call_district:
                _timed("roll call", bar, log, _roll_call_in, SCALES[scale].roll_call_district)
            bar.set_description("commit")
            committing = time.perf_counter()
        # On PostgreSQL Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the
        # check of every row written (and, after a reset, of every row deleted) runs here.
        log(f"commit: in {time.perf_counter() - committing:.1f} s")


def reset_demo() -> None:
    """Delete every org unit, every user except superusers, all enrolment with its history,
    all attendance (and the dashboards' rollups of it) and the calendar's holidays.

    Raises BuildError when other records (an import batch, say) still refer to a unit or a
    user through a protected key: those are someone's work, and not the demo's to delete.
    """
    try:
        # Attendance and the calendar refer to the units: they go first (a reset deletes
        # every unit, so none of it could stay), and the dashboards' rollups with them.
        _delete_attendance()
        # The register: the children's marks and follow-ups go with it (CASCADE).
        delete_all(PastStay.objects.all())
        delete_all(Student.objects.all())
        # The history of made-up enrolment and postings is nobody's record.
        delete_all(Enrolment.history.all())
        delete_all(Enrolment.objects.all())
        demo_postings = Posting.objects.filter(source=Source.HRMIS, created_by=None)
        delete_all(Posting.history.filter(id__in=demo_postings.values("pk")))
        delete_all(demo_postings)
        delete_all(AcademicSession.objects.all())
        # A superuser is kept, but cannot hold on to a unit that is about to go.
        User.objects.filter(is_superuser=True).update(unit=None)
        delete_all(User.objects.filter(is_superuser=False))
        for level in sorted(Level, reverse=True):  # children first: ancestors are PROTECTed
            delete_all(OrgUnit.objects.filter(level=level))
    except StillReferenced as e:
        raise BuildError(f"Cannot delete the old state: {e}") from e


def _delete_attendance() -> None:
    from hazari.attendance.models import Capture, DayRecord, RuleSet, Version
    from hazari.dashboards.models import RefreshState, SchoolDay, SchoolMonth, Stale, UnitDay
    from hazari.schooldays.models import Closure, WorkingDay
    from hazari.students.models import MarkMonth

    delete_all(MarkMonth.objects.all())
    delete_all(Capture.objects.all())
    DayRecord.objects.update(current=None)
    delete_all(Version.objects.all())
    delete_all(DayRecord.objects.all())
    delete_all(RuleSet.objects.all())
    for model in (SchoolDay, SchoolMonth, UnitDay, Stale, RefreshState):
        delete_all(model.objects.all())
    for calendar in (Closure, WorkingDay):
        delete_all(calendar.history.all())
        delete_all(calendar.objects.all())


def _unit_rows(plan: StatePlan) -> Iterator[tuple[int, Iterable[dict[str, str]]]]:
    """Each level's rows, with the columns a CSV import of that level has."""
    yield (
        Level.DISTRICT,
        [
            {"code": d.district.code, "name_en": d.district.name_en, "name_hi": d.district.name_hi}
            for d in plan.districts
        ],
    )
    yield (
        Level.BLOCK,
        [
            {"district_code": d.district.code, **_names(b.block.code, b.block)}
            for d, b in plan.blocks()
        ],
    )
    yield (
        Level.CLUSTER,
        [{"block_code": b.block.code, **_names(c.code, c)} for b, c in plan.clusters()],
    )
    # A generator: the importer holds its own copy of each row, so this list never exists.
    yield (
        Level.SCHOOL,
        (
            {
                "cluster_code": c.code,
                "udise_code": s.udise_code,
                "name_en": s.name_en,
                "name_hi": s.name_hi,
                "category": str(int(s.category)),
                "start_time": s.start_time,
                "hm_mobile": s.hm_mobile,
            }
            for c, s in plan.schools()
        ),
    )


def _names(code: str, thing) -> dict[str, str]:
    return {"code": code, "name_en": thing.name_en, "name_hi": thing.name_hi}


def _import(level: int, rows: Iterable[dict[str, str]], state: OrgUnit, bar: tqdm) -> int:
    # Numbered as a spreadsheet numbers them, under a header row, so errors read the same.
    result = import_units(level=level, rows=enumerate(rows, start=2), state=state)
    if not result.ok:
        first = result.errors[0]
        raise BuildError(
            f"The {Level(level).name.lower()} import rejected {len(result.errors)} rows; "
            f"the first, row {first.row} {first.field}: {first.message_en}"
        )
    bar.update(result.created)
    return result.created


def _write_enrolment(plan: StatePlan, bar: tqdm) -> int:
    year = academic_year_of(timezone.localdate())
    school_ids = dict(OrgUnit.objects.filter(level=Level.SCHOOL).values_list("code", "pk"))
    rows = (
        Enrolment(
            school_id=school_ids[school.udise_code],
            academic_year=year,
            class_no=count.class_no,
            boys=count.boys,
            girls=count.girls,
            third_gender=count.third_gender,
        )
        for _, school in plan.schools()
        for count in school.enrolment
    )
    return _bulk_create(Enrolment, rows, bar)


def _write_students(plan: StatePlan, seed: int, bar: tqdm) -> int:
    """Every child counted in the enrolment, on the register (hazari.demo.students)."""
    school_ids = dict(OrgUnit.objects.filter(level=Level.SCHOOL).values_list("code", "pk"))
    return write_register(plan, school_ids, seed, bar)


def _roll_call_in(district_name: str) -> int:
    """The district takes a student-wise roll call, with late and left early marked; the
    rest of the state counts."""
    from hazari.attendance.models import RollCall, RuleSet

    district = OrgUnit.objects.filter(level=Level.DISTRICT, name_en=district_name).first()
    if district is None:
        return 0
    RuleSet.objects.update_or_create(
        unit=district,
        defaults={"roll_call": RollCall.STUDENTS, "mark_late_and_left_early": True},
    )
    return 1


def _write_people(plan: StatePlan, seed: int, bar: tqdm) -> int:
    # One hash for everyone: hashing 380,000 passwords one by one would take hours. The salt
    # is fixed by the seed so that the same seed writes the same rows; the password is public.
    password = make_password(DEMO_PASSWORD, salt=f"hazaridemo{seed}")
    unit_ids = {
        (lv, code): pk for lv, code, pk in OrgUnit.objects.values_list("level", "code", "pk")
    }
    joined = timezone.now()

    def user(person: Person) -> User:
        return User(
            username=person.username,
            name=person.name,
            role=person.role,
            unit_id=unit_ids[person.unit],
            mobile=person.mobile,
            password=password,
            date_joined=joined,
        )

    return _bulk_create(User, map(user, people(plan, seed)), bar)


def _write_postings(plan: StatePlan, seed: int, bar: tqdm) -> int:
    """A posting for every teacher, from the HRMIS as it were, since the session began: the
    staff a head master marks every day."""
    school_ids = dict(OrgUnit.objects.filter(level=Level.SCHOOL).values_list("code", "pk"))
    categories = {s.udise_code: s.category for _, s in plan.schools()}
    start = session_start(timezone.localdate())
    postings = [
        Posting(
            employee_code=person.username,
            name=person.name,
            designation=designation_for(categories[person.unit[1]]),
            school_id=school_ids[person.unit[1]],
            mobile=person.mobile,
            start_date=start,
            source=Source.HRMIS,
            reason=REASON_HRMIS,
        )
        for person in people(plan, seed)
        if person.role == Role.TEACHER
    ]
    fields = ["employee_code", "name", "designation", "school", "mobile", "start_date", "source"]
    fields += ["reason", "ended_reason", "created"]
    bulk_insert_with_history(
        postings, fields, user=None, reason=REASON_HRMIS, when=timezone.now(), batch_size=BATCH
    )
    bar.update(len(postings))
    return len(postings)


def _write_session(state: OrgUnit) -> int:
    """The academic session running today (April to March, Sunday off)."""
    session_ensure(start_year=academic_year_of(timezone.localdate()), state=state)
    return 1


def session_start(day: datetime.date) -> datetime.date:
    return datetime.date(academic_year_of(day), 4, 1)


def designation_for(category: int) -> str:
    top = max(class_range(category))
    if top <= 5:
        return "Primary Teacher"
    if top <= 8:
        return "Middle School Teacher"
    if top <= 10:
        return "High School Teacher"
    return "Higher Secondary Teacher"


def _bulk_create(model: type[models.Model], objects: Iterable[models.Model], bar: tqdm) -> int:
    written = 0
    it = iter(objects)
    while batch := list(islice(it, BATCH)):
        model._default_manager.bulk_create(batch)
        written += len(batch)
        bar.update(len(batch))
    return written


def _rows_to_write(plan: StatePlan, students: bool = True) -> int:
    schools = [school for _, school in plan.schools()]
    units = len(plan.districts) + sum(1 for _ in plan.blocks()) + sum(1 for _ in plan.clusters())
    units += len(schools)
    enrolment = sum(len(s.enrolment) for s in schools)
    officers = 2 + 2 * len(plan.districts) + 3 * sum(1 for _ in plan.blocks())
    officers += sum(1 for _ in plan.clusters())
    school_people = sum(1 + teachers_for(s) for s in schools)
    postings = sum(teachers_for(s) for s in schools)
    children = children_in(plan) if students else 0
    return units + enrolment + officers + school_people + postings + children


@contextmanager
def _progress_bar(total: int, enabled: bool) -> Iterator[tqdm]:
    # On stderr, and only on a terminal: a log file gets the phase timings instead.
    with tqdm(
        total=total,
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        disable=not (enabled and sys.stderr.isatty()),
    ) as bar:
        yield bar


def _timed(phase: str, bar: tqdm, log: Log, work: Callable[..., int | None], *args) -> None:
    """Run one phase of the build and log how long it took (the benchmark reads these)."""
    bar.set_description(phase)
    started = time.perf_counter()
    written = work(*args)
    rows = "" if written is None else f"{written:,} rows "
    with bar.external_write_mode():
        log(f"{phase}: {rows}in {time.perf_counter() - started:.1f} s")
