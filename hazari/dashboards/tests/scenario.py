"""Random attendance for the test world, for the hypothesis tests: captures on time and late,
corrected, sent days later from a phone that was offline, held for a wrong clock and then
approved or dismissed; closures and working days entered after the fact; enrolment changed.

Everything goes through the same services as in real use (the capture service, the review
service, model saves that write history), never straight into the attendance tables.
"""

import contextlib
import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone
from hypothesis import strategies as st

from hazari.accounts.roles import Role
from hazari.attendance import review
from hazari.attendance.models import Status, Version
from hazari.attendance.services import CaptureIn, ClassCount, StaffMark, capture_submit
from hazari.registers.models import Enrolment
from hazari.schooldays.models import Closure, Kind, WorkingDay
from hazari.schooldays.services import session_ensure
from hazari.staff.models import Posting
from hazari.testing import person

# Monday 6 July to Sunday 19 July 2026; "today" is Monday 20 July.
START = datetime.date(2026, 7, 6)
DAYS = 14
END = START + datetime.timedelta(days=DAYS)
TODAY = END
STAFF = "PALD"


def at(day: datetime.date, hhmm: str) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm))
    return timezone.make_aware(naive)


def prepare(w) -> None:
    """The test world with a session, enrolment for every class of every school, one or two
    postings per school and a head master at each."""
    session_ensure(start_year=2026, state=w.state)
    w.schools = [w.school_a, w.school_b, w.school_c, w.school_d]
    w.units = [
        w.state,
        w.district_a,
        w.district_b,
        w.block_x,
        w.block_y,
        w.block_z,
        w.cluster_x1,
        w.cluster_y1,
        w.cluster_z1,
        *(s.unit for s in w.schools),
    ]
    w.heads = [
        w.asha,
        person("23320100201", "Bina Rao", Role.HEAD_MASTER, w.school_b.unit),
        w.hari,
        person("23330100101", "Dilip Das", Role.HEAD_MASTER, w.school_d.unit),
    ]
    w.postings = {}
    for i, school in enumerate(w.schools):
        for class_no in school.classes:
            Enrolment.objects.create(
                school=school,
                academic_year=2026,
                class_no=class_no,
                boys=10 + class_no,
                girls=12 + i,
                third_gender=class_no % 2,
            )
        w.postings[school.pk] = [
            Posting.objects.create(
                employee_code=f"EMP9{i}{n}",
                name=f"Teacher {i}{n}",
                designation="Teacher",
                school=school,
                start_date=datetime.date(2020, 7, 1),
                source="hrmis",
            ).pk
            for n in range(1 + i % 2)
        ]


@dataclass(frozen=True)
class Send:
    school: int
    day: int
    share: float  # of enrolment present
    minutes: int  # after 10:00: within an hour is on time
    delay: int  # days the phone was offline
    wrong_clock: bool
    staff: str
    meals: str = "fed"  # a key of MEALS
    hours: int = 0  # more hours before the server received it (late, saved in time offline)


# What a head master says of the day's meals: (meals served as a share of the children present
# in classes 1–8, or None; the reason none were served). "all" is the enrolment of classes 1–8,
# more than are present unless everyone came: rejected or held, as the rules say.
MEALS = {
    "fed": (1.0, ""),
    "most": (0.9, ""),
    "none": (None, ""),
    "all": ("enrolled", ""),
    "grain": (0.0, "no_grain"),
    "holiday": (0.0, "local_holiday"),
    "other": (0.0, "other"),
}


@dataclass(frozen=True)
class Streak:
    """The same counts sent on consecutive days (made-up reports look like this)."""

    school: int
    first: int
    days: int
    share: float
    meals: str = "fed"  # the same meals report every day too (a key of MEALS)


@dataclass(frozen=True)
class Close:
    unit: int
    day: int
    days: int


@dataclass(frozen=True)
class Work:
    unit: int
    sunday: int


@dataclass(frozen=True)
class Decide:
    which: int
    approve: bool


@dataclass(frozen=True)
class Enrol:
    school: int
    boys: int


@dataclass(frozen=True)
class Refresh:
    pass


events = st.lists(
    st.one_of(
        st.builds(
            Send,
            school=st.integers(0, 3),
            day=st.integers(0, DAYS - 1),
            share=st.floats(0, 1),
            minutes=st.sampled_from([5, 30, 59, 90, 200]),
            delay=st.sampled_from([0, 0, 0, 1, 3]),
            wrong_clock=st.sampled_from([False, False, False, True]),
            staff=st.text(alphabet=STAFF, min_size=2, max_size=2),
            meals=st.sampled_from(list(MEALS)),
            hours=st.sampled_from([0, 0, 0, 3]),
        ),
        # Runs of days: meals not served day after day, or equal to the enrolment.
        st.builds(
            Streak,
            school=st.integers(0, 3),
            first=st.integers(0, DAYS - 1),
            days=st.integers(2, 6),
            share=st.one_of(st.just(1.0), st.floats(0, 1)),
            meals=st.sampled_from(["fed", "all", "grain", "other"]),
        ),
        st.builds(
            Close, unit=st.integers(0, 12), day=st.integers(0, DAYS - 1), days=st.integers(1, 3)
        ),
        st.builds(Work, unit=st.integers(0, 12), sunday=st.integers(0, 1)),
        st.builds(Decide, which=st.integers(0, 5), approve=st.booleans()),
        st.builds(Enrol, school=st.integers(0, 3), boys=st.integers(0, 40)),
        st.just(Refresh()),
    ),
    max_size=25,
)


def apply(w, event, refresh) -> None:
    if isinstance(event, Send):
        send(w, event)
    elif isinstance(event, Streak):
        for day in range(event.first, min(event.first + event.days, DAYS)):
            send(w, Send(event.school, day, event.share, 20, 0, False, "PP", event.meals))
    elif isinstance(event, Close):
        begin = START + datetime.timedelta(days=event.day)
        Closure.objects.create(
            unit=w.units[event.unit],
            start=begin,
            end=begin + datetime.timedelta(days=event.days - 1),
            kind=Kind.WEATHER,
            reason="rain",
        )
    elif isinstance(event, Work):
        sunday = START + datetime.timedelta(days=6 + 7 * event.sunday)
        WorkingDay.objects.get_or_create(
            unit=w.units[event.unit], day=sunday, defaults={"reason": "make-up day"}
        )
    elif isinstance(event, Decide):
        waiting = list(
            Version.objects.filter(status=Status.HELD, reviewed_by__isnull=True).order_by("pk")
        )
        if waiting:
            version = waiting[event.which % len(waiting)]
            decide = review.version_approve if event.approve else review.version_dismiss
            # A newer version accepted since: it cannot be approved (ValidationError).
            with contextlib.suppress(review.ValidationError):
                decide(actor=w.sunita, version=version, note="checked", now=at(TODAY, "09:00"))
    elif isinstance(event, Enrol):
        school = w.schools[event.school]
        row = Enrolment.objects.get(school=school, academic_year=2026, class_no=school.classes[0])
        row.boys = event.boys
        row.save()
    elif isinstance(event, Refresh):
        refresh()


def send(w, e: Send):
    school = w.schools[e.school]
    day = START + datetime.timedelta(days=e.day)
    enrolled = {x.class_no: x for x in Enrolment.objects.filter(school=school, academic_year=2026)}
    classes = [
        ClassCount(
            c,
            int(enrolled[c].boys * e.share),
            int(enrolled[c].girls * e.share),
            int(enrolled[c].third_gender * e.share),
        )
        for c in school.classes
    ]
    share, why = MEALS[e.meals]
    meals: int | None = None
    if any(c <= 8 for c in school.classes):
        if share == "enrolled":
            meals = sum(x.boys + x.girls + x.third_gender for c, x in enrolled.items() if c <= 8)
        elif share is not None:
            meals = round(float(share) * sum(c.boys + c.girls + c.third_gender for c in classes
                                             if c.class_no <= 8))  # fmt: skip
    else:
        why = ""
    postings = w.postings[school.pk]
    staff = [StaffMark(p, e.staff[i % len(e.staff)]) for i, p in enumerate(postings)]
    minute = datetime.timedelta(minutes=e.minutes)
    captured = at(day, "10:00") + minute
    offset = datetime.timedelta(hours=2) if e.wrong_clock else datetime.timedelta(0)
    return capture_submit(
        user=w.heads[e.school],
        data=CaptureIn(
            uuid=uuid.uuid4(),
            school_id=school.pk,
            date=day,
            captured_at=captured - offset,
            classes=classes,
            staff=staff,
            reason="recount",
            meals_served=meals,
            meals_reason=why,
            meals_note="cook away" if why == "other" else "",
        ),
        received_at=captured + datetime.timedelta(days=e.delay, hours=e.hours, minutes=1),
        clock_offset=offset,
        device_id="phone",
    )
