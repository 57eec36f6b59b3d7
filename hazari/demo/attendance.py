"""A made-up academic year of attendance for the demo state: what makes the dashboards
worth looking at, and what the dashboards' benchmark measures them on.

Every school-day the calendar says is open gets what a head master's phone would have sent:
most schools report on time, some late, a few not at all; now and then a report is corrected
later in the day; in the last two days a few wait for an officer's review (a wrong phone
clock). Attendance follows each school's own level (a few schools are weak), the season
(monsoon, harvest, exams), the weekday and the district's weather, and girls differ a little
from boys. A few schools send the same counts every day, or everyone present every day: the
implausible reports the dashboards must catch. Today is filled only up to the current time.

It writes rows straight into the attendance tables, as the capture service would have
(day record, versions, class and staff rows, captures), but in bulk: COPY on PostgreSQL,
executemany on SQLite. The full state's year is ~18 million school-days; at that scale
(`detail="sample"`) class and staff rows and captures are written for one school in fifty
only, and every version has its totals (all the dashboards read, except one school's
class-wise page). Days that already have any attendance are left alone, so running it again
the next morning tops the demo up to today. Run it while nobody uploads: it numbers its rows
itself, then moves the id sequences past them.

A few holidays are entered first when the session has none (summer vacation, national days,
a district's rain day), so that closed days show as such. Days before the session running
today (`since` in an earlier academic year) belong to an earlier session: it is made (the
calendar's `session_ensure`), with its holidays and with this year's registers as its own,
so that the demo, and a benchmark, can hold last year's attendance too.

A school whose rules say it takes a student-wise roll call (RuleSet.roll_call, and a student
register) reports a roll call instead: each child marked by their own habit
(hazari.demo.students), the class counts and totals derived from the marks as the capture
service derives them, and the marks of each day's current version upserted into MarkMonth
(those of a held version kept in HeldRollCall). Such a school keeps its class rows and
captures at any scale. A month is one transaction: its days, then its marks. Every child is
drawn every school day, so a whole state in that mode (87 lakh children) would take hours:
the demo puts one district in it.

Then, for those schools' children who were on the follow-up list, the follow-up their head
masters would have recorded: causes, actions and outcomes (hazari.demo.followups), so that
the follow-up lists and the officers' causes study have something to show.
"""

import datetime
import hashlib
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from hazari.accounts.models import User
from hazari.accounts.roles import Role
from hazari.attendance.models import Arrival, DayRecord, RollCall, Status
from hazari.attendance.rules import rules_along
from hazari.demo import followups
from hazari.demo.attendance_rows import Writer
from hazari.demo.students import MarkWriter, Roll, migrating_blocks, rolls
from hazari.lib.i18n import in_both_languages
from hazari.orgunits.categories import class_range
from hazari.orgunits.models import Level, OrgUnit
from hazari.registers.models import Enrolment, academic_year_of
from hazari.schooldays.days import school_calendar
from hazari.schooldays.models import AcademicSession, Closure, Kind
from hazari.schooldays.services import session_ensure
from hazari.staff.models import Posting
from hazari.students.models import HeldRollCall

Log = Callable[[str], None]

# Attendance a little lower in the monsoon and at harvest, higher before exams.
SEASON = {4: 0.0, 5: -0.02, 6: -0.03, 7: -0.06, 8: -0.05, 9: -0.02, 10: -0.04, 11: -0.03,
          12: 0.0, 1: -0.01, 2: 0.02, 3: 0.03}  # fmt: skip
WEEKDAY = {0: -0.015, 5: -0.025}  # Monday and Saturday
# Shares of schools: weak (about half the children come), the same counts every day, everyone
# present every day.
WEAK, SAME, FULL = 0.05, 0.01, 0.008
OFFLINE_SHARE = 0.02  # reports saved in time on the phone, uploaded hours later
LATE_OFFLINE = gettext_noop(
    "Saved on the phone in time, but it reached the server after %(time)s: counted as "
    "late (offline)."
)
SAMPLE = 50  # at full scale, class rows and captures for one school in this many
STAFF_MARKS = ("P", "A", "L", "D")
STAFF_WEIGHTS = (88, 4, 6, 2)
DEVICE = "demo-phone"
HEAD = str(Role.HEAD_MASTER.value)


@dataclass
class Profile:
    """One school's habits, drawn once from the seed."""

    id: int
    district_id: int
    head_id: int
    classes: list[tuple[int, int, int, int]]  # class, boys, girls, third gender enrolled
    enrolled: tuple[int, int, int]
    postings: list[int]
    detail: bool
    start: int  # minutes after midnight
    on_from: int  # the on-time window, minutes
    on_until: int
    closes: int
    base: float  # share present on an ordinary day
    girls_shift: float
    reports: float  # chance of reporting on a school day
    on_time: float  # chance a report comes on time
    kind: str = "normal"  # or "same" (the same counts every day) or "full" (everyone)
    fixed: tuple[int, int, int] | None = None
    roll: Roll | None = None  # its children, when the school takes a student-wise roll call


@dataclass
class Summary:
    days: int = 0
    school_days: int = 0
    records: int = 0
    versions: int = 0
    class_rows: int = 0
    roll_calls: int = 0  # school-days reported with a roll call (current version)
    marks: int = 0  # children marked on them
    mark_rows: int = 0  # MarkMonth rows written (a school-month-student upserted once)
    follow_ups: int = 0  # made up for children on the follow-up list
    follow_up_entries: int = 0
    seconds: float = 0.0
    skipped: list[datetime.date] = field(default_factory=list)


def generate(
    *,
    seed: int = 1,
    start: datetime.date | None = None,
    until: datetime.date | None = None,
    now: datetime.datetime | None = None,
    detail: str = "auto",
    holidays: bool = True,
    log: Log = print,
) -> Summary:
    """Attendance from `start` (default: the first day of the session running today) up to
    now, or to the end of `until` if that is earlier. detail: "all", "sample" (one school in
    SAMPLE) or "auto" (all below 5,000 schools)."""
    began = time.perf_counter()
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    state = OrgUnit.objects.filter(level=Level.STATE).order_by("pk").first()
    if state is None:
        raise ValueError("There is no state: build one first (build_demo_state).")
    session = AcademicSession.objects.filter(state=state, start__lte=today, end__gte=today).first()
    first = start or (session.start if session else today)
    if holidays and session is not None:
        _enter_holidays(state, session, seed)
    for year in range(academic_year_of(first), academic_year_of(today)):
        # Days of an earlier session: that session, its holidays and its registers.
        earlier = session_ensure(start_year=year, state=state)
        copied = _copy_enrolment(state, to_year=year, from_year=academic_year_of(today))
        log(f"session {earlier.name}: {copied:,} enrolment rows copied from this year's")
        if holidays:
            _enter_holidays(state, earlier, seed)
    schools = OrgUnit.objects.filter(level=Level.SCHOOL, state=state).count()
    everything = detail == "all" or (detail == "auto" and schools < 5000)
    last = min(until, today) if until else today
    profiles = _profiles(state, seed, today, everything, first=first, last=last)
    log(f"{len(profiles):,} schools; class rows for {sum(p.detail for p in profiles):,}")
    rolls_of = [p for p in profiles if p.roll is not None]
    if rolls_of:
        log(
            f"student-wise roll call in {len(rolls_of):,} schools, "
            f"{sum(len(p.roll.children) for p in rolls_of if p.roll):,} children"
        )
    calendar = school_calendar(state, first, last)
    summary = Summary()
    messages = _messages()
    writer = Writer()
    marks = MarkWriter()
    day = first
    with writer.unchecked():
        while day <= last:
            # A month a transaction: its days, then its children's marks (MarkMonth), so
            # that an interrupted run leaves no day whose marks are missing.
            with transaction.atomic():
                month = day.month
                while day <= last and day.month == month:
                    if DayRecord.objects.filter(date=day).exists():
                        summary.skipped.append(day)
                    else:
                        _day(day, now, profiles, calendar, seed, writer, summary, messages, marks)
                        summary.days += 1
                    day += datetime.timedelta(days=1)
                summary.mark_rows += marks.flush()
    writer.reset_sequences()
    summary.marks = marks.marks
    if rolls_of and summary.roll_calls:
        # What the head masters recorded for the children who were on the follow-up list.
        done = followups.write(
            [(p.id, p.head_id, p.roll) for p in rolls_of if p.roll is not None],
            seed=seed,
            first=first,
            now=now,
        )
        summary.follow_ups, summary.follow_up_entries = done.follow_ups, done.entries
    summary.seconds = time.perf_counter() - began
    log(
        f"attendance: {summary.days} days, {summary.school_days:,} school-days open, "
        f"{summary.records:,} reported, {summary.versions:,} versions, "
        f"{summary.class_rows:,} class rows"
        + (
            f", {summary.roll_calls:,} roll calls marking {summary.marks:,} children "
            f"({summary.mark_rows:,} month rows written), {summary.follow_ups:,} follow-ups "
            f"({summary.follow_up_entries:,} entries)"
            if summary.roll_calls
            else ""
        )
        + f" in {summary.seconds:.1f} s"
        + (f"; {len(summary.skipped)} days already had attendance" if summary.skipped else "")
    )
    return summary


def _copy_enrolment(state: OrgUnit, *, to_year: int, from_year: int) -> int:
    """An earlier academic year's registers, made up as this year's counts (the demo's
    schools did not change), for the schools that have none for that year. No history: the
    history of made-up enrolment is nobody's record."""
    has = Enrolment.objects.filter(academic_year=to_year).values("school_id")
    rows = (
        Enrolment.objects.filter(academic_year=from_year, school__unit__state=state)
        .exclude(school_id__in=has)
        .values_list("school_id", "class_no", "boys", "girls", "third_gender")
        .iterator(chunk_size=10_000)
    )
    batch: list[Enrolment] = []
    copied = 0
    for school_id, class_no, boys, girls, third in rows:
        batch.append(
            Enrolment(
                school_id=school_id,
                academic_year=to_year,
                class_no=class_no,
                boys=boys,
                girls=girls,
                third_gender=third,
            )
        )
        if len(batch) == 10_000:
            copied += len(Enrolment.objects.bulk_create(batch))
            batch = []
    return copied + len(Enrolment.objects.bulk_create(batch))


def _enter_holidays(state: OrgUnit, session: AcademicSession, seed: int) -> None:
    """The state's usual closed days, unless the session has closures already."""
    if Closure.objects.filter(unit=state, start__lte=session.end, end__gte=session.start).exists():
        return
    year = session.start.year
    entries = [
        (
            datetime.date(year, 4, 14),
            datetime.date(year, 4, 14),
            Kind.STATE_HOLIDAY,
            "Ambedkar Jayanti",
        ),
        (datetime.date(year, 5, 1), datetime.date(year, 6, 15), Kind.VACATION, "Summer vacation"),
        (
            datetime.date(year, 8, 15),
            datetime.date(year, 8, 15),
            Kind.STATE_HOLIDAY,
            "Independence Day",
        ),
        (
            datetime.date(year, 10, 2),
            datetime.date(year, 10, 2),
            Kind.STATE_HOLIDAY,
            "Gandhi Jayanti",
        ),
        (datetime.date(year, 12, 25), datetime.date(year, 12, 25), Kind.STATE_HOLIDAY, "Christmas"),
        (
            datetime.date(year + 1, 1, 26),
            datetime.date(year + 1, 1, 26),
            Kind.STATE_HOLIDAY,
            "Republic Day",
        ),
    ]
    for begin, end, kind, reason in entries:
        Closure.objects.create(unit=state, start=begin, end=end, kind=kind, reason=reason)
    # Heavy rain closes one district's schools for two days in July.
    district = (
        OrgUnit.objects.filter(level=Level.DISTRICT, state=state, block__isnull=True)
        .filter(pk__in=OrgUnit.objects.filter(level=Level.BLOCK).values("district"))
        .order_by("code")
    )
    picked = random.Random(f"{seed}:rain").choice(list(district)) if district.exists() else None
    if picked is not None:
        Closure.objects.create(
            unit=picked,
            start=datetime.date(year, 7, 21),
            end=datetime.date(year, 7, 22),
            kind=Kind.WEATHER,
            reason="Heavy rain",
        )


def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _profiles(
    state: OrgUnit,
    seed: int,
    today: datetime.date,
    everything: bool,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[Profile]:
    year = academic_year_of(today)
    classes: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for row in Enrolment.objects.filter(academic_year=year, school__unit__state=state).values_list(
        "school_id", "class_no", "boys", "girls", "third_gender"
    ):
        classes[row[0]].append(row[1:])
    heads: dict[int, int] = {}
    for unit_id, user_id in (
        User.objects.filter(role=Role.HEAD_MASTER, unit__level=Level.SCHOOL)
        .order_by("-pk")
        .values_list("unit_id", "pk")
    ):
        heads[unit_id] = user_id
    fallback = User.objects.filter(unit=state).values_list("pk", flat=True).first()
    postings: dict[int, list[int]] = defaultdict(list)
    for school_id, pk in Posting.objects.filter(end_date__isnull=True).values_list(
        "school_id", "pk"
    ):
        postings[school_id].append(pk)
    out = []
    roll_schools: dict[int, bool] = {}  # student-wise roll call: late and left early marked
    block_of: dict[int, int] = {}
    rows = OrgUnit.objects.filter(level=Level.SCHOOL, state=state).order_by("pk")
    for (
        unit_id,
        district_id,
        block_id,
        cluster_id,
        start_time,
        category,
        low,
        high,
    ) in rows.values_list(
        "pk",
        "district_id",
        "block_id",
        "cluster_id",
        "school__start_time",
        "school__category",
        "school__lowest_class_override",
        "school__highest_class_override",
    ):
        rng = random.Random(f"{seed}:school:{unit_id}")
        taught = set(class_range(category, low, high))
        own = sorted(c for c in classes.get(unit_id, []) if c[0] in taught)
        enrolled = (sum(c[1] for c in own), sum(c[2] for c in own), sum(c[3] for c in own))
        rules = rules_along([state.pk, district_id, block_id, cluster_id, unit_id])
        # The window of hazari.attendance.rules.window_for: the band moves with the start.
        start = _minutes(start_time)
        on_from = start
        shift = start - _minutes(rules.opens_at)
        on_until = min(start + rules.on_time_minutes, _minutes(rules.on_time_until) + shift)
        draw = rng.random()
        weak = draw < WEAK
        p = Profile(
            id=unit_id,
            district_id=district_id,
            head_id=heads.get(unit_id) or fallback or 0,
            classes=own,
            enrolled=enrolled,
            postings=postings.get(unit_id, []),
            detail=everything or _sampled(seed, unit_id),
            start=start,
            on_from=on_from,
            on_until=on_until,
            closes=_minutes(rules.day_closes_at),
            base=_clamp(rng.gauss(0.52, 0.06) if weak else rng.gauss(0.81, 0.07), 0.3, 0.97),
            girls_shift=rng.gauss(0.01, 0.03),
            reports=rng.choices((0.985, 0.85, 0.55), weights=(92, 6, 2))[0],
            on_time=_clamp(rng.gauss(0.86, 0.08), 0.3, 0.99),
        )
        if WEAK <= draw < WEAK + SAME:
            p.kind = "same"
            p.fixed = tuple(round(e * 0.86) for e in enrolled)  # type: ignore[assignment]
        elif WEAK + SAME <= draw < WEAK + SAME + FULL:
            p.kind = "full"
        if rules.roll_call == RollCall.STUDENTS:
            roll_schools[unit_id] = rules.mark_late_and_left_early
            block_of[unit_id] = block_id
        out.append(p)
    if roll_schools:
        blocks = OrgUnit.objects.filter(level=Level.BLOCK, state=state).values_list(
            "pk", "district_id", "code"
        )
        found = rolls(
            roll_schools,
            seed=seed,
            migrating=migrating_blocks(list(blocks), seed),
            block_of=block_of,
            late_marks=roll_schools,
            first=first or today,
            last=last or today,
        )
        for p in out:
            # A school without a register counts (hazari.students.rollcall.mode_of). One
            # that calls the roll has its class rows and captures at any scale: they are
            # derived from the marks.
            p.roll = found.get(p.id)
            if p.roll is not None:
                taught = {c for c, *_enrolled in p.classes}
                p.roll.children = [c for c in p.roll.children if c.class_no in taught]
                p.detail = True
    return out


def _sampled(seed: int, school_id: int) -> bool:
    digest = hashlib.sha256(f"{seed}:{school_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % SAMPLE == 0


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _messages() -> dict[str, tuple[str, str]]:
    return {
        "on_time": in_both_languages("Received on time."),
        "late": in_both_languages("Received, but late."),
        "wrong_clock": in_both_languages(
            "The phone's clock is wrong by %(minutes)s minutes; set the right date and time on "
            "the phone.",
            minutes=125,
        ),
    }


def _at(day: datetime.date, minute: float) -> datetime.datetime:
    naive = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(minutes=minute)
    return timezone.make_aware(naive)


def _day(
    day: datetime.date,
    now: datetime.datetime,
    profiles: Sequence[Profile],
    calendar,
    seed: int,
    writer: Writer,
    summary: Summary,
    messages: dict[str, tuple[str, str]],
    marks: MarkWriter,
) -> None:
    rng = random.Random(f"{seed}:day:{day.isoformat()}")
    weather: dict[int, float] = defaultdict(lambda: rng.gauss(0, 0.025))
    shift = SEASON[day.month] + WEEKDAY.get(day.weekday(), 0.0)
    recent = (now.date() - day).days <= 1
    today = day == now.date()
    now_minute = now.hour * 60 + now.minute + now.second / 60
    records, versions, classes, staff, captures = [], [], [], [], []
    held_rolls: list[HeldRollCall] = []
    record_id, version_id = writer.next_ids()
    for p in profiles:
        if not calendar.is_open(p.id, day):
            continue
        summary.school_days += 1
        if rng.random() > p.reports:
            continue
        on_time = p.on_from <= p.on_until and rng.random() < p.on_time
        if on_time:
            minute = rng.uniform(p.on_from, p.on_until)
        else:
            late_from = max(p.start, p.on_until if p.on_from <= p.on_until else p.start)
            minute = rng.uniform(late_from + 1, min(late_from + 240, p.closes - 1))
        if today and minute > now_minute:
            continue  # not sent yet
        held = recent and rng.random() < 0.004
        rate = p.base + shift + weather[p.district_id] + rng.gauss(0, 0.03)
        roll_rng = random.Random(f"{seed}:roll:{p.id}:{day.isoformat()}") if p.roll else None
        if roll_rng is not None:
            # The children's own habits, moved by the season, the weekday and the weather.
            roll_shift = shift + weather[p.district_id] + roll_rng.gauss(0, 0.015)
            counts, rows, roll = _roll_call(p, day, roll_shift, roll_rng)
        else:
            counts, rows = _counts(p, rate, rng)
        record_id += 1
        version_id += 1
        captured = _at(day, minute)
        received = captured + datetime.timedelta(seconds=rng.uniform(2, 90))
        # A few saved in time on a phone without network, uploaded hours later the same day:
        # late (offline), as the server judges them.
        offline = on_time and rng.random() < OFFLINE_SHARE
        if offline:
            wait = rng.uniform(p.on_until - minute + 5, p.closes - minute - 1)
            offline = wait > 0 and not (today and minute + wait > now_minute)
            if offline:
                received = captured + datetime.timedelta(minutes=wait)
                on_time = False
        status = Status.HELD if held else Status.ACCEPTED if on_time else Status.LATE
        current = None if held else version_id
        versions.append(
            _version(version_id, record_id, 1, status, p, captured, received, "", counts, rows)
        )
        if roll_rng is not None and held:
            held_rolls.append(HeldRollCall(version_id=version_id, marks=[list(m) for m in roll]))
        if p.detail:
            classes += [(version_id, *r) for r in rows]
            staff += [(version_id, pk, _mark(rng)) for pk in p.postings]
            code = "late_offline" if offline else None
            captures.append(
                _capture(rng, p, day, captured, received, status, version_id, messages, held, code)
            )
        later = minute + rng.uniform(30, 90)
        corrected = not held and rng.random() < 0.02 and later < p.closes
        if corrected and not (today and later > now_minute):
            # A correction later in the day: a class recounted.
            version_id += 1
            current = version_id
            when = _at(day, later)
            if roll_rng is not None:
                counts, rows, roll = _roll_call(p, day, roll_shift + rng.uniform(-0.05, 0.05),
                                                roll_rng)  # fmt: skip
            else:
                counts, rows = _counts(p, rate + rng.uniform(-0.05, 0.05), rng)
            versions.append(
                _version(version_id, record_id, 2, Status.LATE, p, when, when, "Class recounted",
                         counts, rows)
            )  # fmt: skip
            if p.detail:
                classes += [(version_id, *r) for r in rows]
                staff += [(version_id, pk, _mark(rng)) for pk in p.postings]
                captures.append(
                    _capture(rng, p, day, when, when, Status.LATE, version_id, messages, False)
                )
        if roll_rng is not None and current is not None:
            # The marks of the day's current version go into the children's month rows.
            marks.add(p.id, day, roll)
            summary.roll_calls += 1
        arrival = (
            Arrival.NOT_REPORTED
            if held
            else Arrival.ON_TIME
            if on_time
            else Arrival.LATE_OFFLINE
            if offline
            else Arrival.LATE
        )
        records.append(
            (record_id, p.id, day, current, None if held else captured, on_time and not held,
             int(arrival))
        )  # fmt: skip
    writer.write(records, versions, classes, staff, captures)
    HeldRollCall.objects.bulk_create(held_rolls)
    summary.records += sum(1 for r in records if r[3] is not None)
    summary.versions += len(versions)
    summary.class_rows += len(classes)


def _roll_call(p: Profile, day: datetime.date, shift: float, rng: random.Random):
    """(boys, girls, third gender present), the class rows and the marks of a roll call: the
    counts derived from the marks, as the capture service derives them."""
    roll, present = cast(Roll, p.roll).call(day, shift, rng, everyone=p.kind == "full")
    rows = [(c, *present.get(c, (0, 0, 0))) for c, *_enrolled in p.classes]
    counts = (sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows))
    return counts, rows, roll


def _mark(rng: random.Random) -> str:
    return rng.choices(STAFF_MARKS, weights=STAFF_WEIGHTS)[0]


def _counts(p: Profile, rate: float, rng: random.Random):
    """(boys, girls, third gender present), and the class rows when the school has them."""
    if p.kind == "full":
        rows = [(c, b, g, t) for c, b, g, t in p.classes] if p.detail else []
        return p.enrolled, rows
    if p.kind == "same" and p.fixed is not None:
        rows = (
            [(c, round(b * 0.86), round(g * 0.86), t) for c, b, g, t in p.classes]
            if p.detail
            else []
        )
        if rows:
            return (sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)), rows
        return p.fixed, rows
    boys_rate = _clamp(rate, 0.0, 1.0)
    girls_rate = _clamp(rate + p.girls_shift, 0.0, 1.0)
    if not p.detail:
        b, g, t = p.enrolled
        return (round(b * boys_rate), round(g * girls_rate), round(t * boys_rate)), []
    rows = []
    for c, b, g, t in p.classes:
        jitter = rng.gauss(0, 0.04)
        rows.append(
            (
                c,
                min(b, max(0, round(b * (boys_rate + jitter)))),
                min(g, max(0, round(g * (girls_rate + jitter)))),
                min(t, max(0, round(t * boys_rate))),
            )
        )
    return (sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows)), rows


def _version(vid, record_id, number, status, p: Profile, captured, received, reason, counts, rows):
    # Children present in classes 1–8 (the mid-day meal's), from the class rows where the
    # school has them, otherwise in proportion to those classes' enrolment.
    if rows:
        fed = sum(b + g + t for c, b, g, t in rows if c <= 8)
    else:
        enrolled = sum(b + g + t for _, b, g, t in p.classes)
        meal_enrolled = sum(b + g + t for c, b, g, t in p.classes if c <= 8)
        fed = round(sum(counts) * meal_enrolled / enrolled) if enrolled else 0
    meals, why, note = _meals(vid, p, captured.date(), fed)
    return (
        vid, record_id, number, str(status), p.head_id, HEAD, DEVICE, captured, received,
        reason, meals, why, note, counts[0], counts[1], counts[2], fed, "", "",
    )  # fmt: skip


# Why no meal was served, and how often, on the days a school serves none by chance.
NOT_SERVED = (("no_cook", 30), ("no_fuel_funds", 30), ("local_holiday", 25), ("other", 15))
NOT_SERVED_NOTE = "Cook's family wedding"


def _meals(vid: int, p: Profile, day: datetime.date, fed: int) -> tuple[int | None, str, str]:
    """Meals served (None: not recorded), and why none were. Most schools feed about 95 % of
    the children present; a school of the "full" kind reports everyone enrolled fed; one
    school in 30 runs out of grain for a week every few months; any school misses a day now
    and then. Drawn from the version id, not the day's random stream, so that the
    attendance figures stay what they were before meals were generated."""
    meal_enrolled = sum(b + g + t for c, b, g, t in p.classes if c <= 8)
    if not meal_enrolled:
        return None, "", ""
    if p.id % 30 == 7 and (day.toordinal() // 7 + p.id) % 11 == 0:
        return 0, "no_grain", ""
    draw = (vid * 2654435761) % 2**32 / 2**32
    if draw < 0.006:
        reasons = [reason for reason, _weight in NOT_SERVED]
        weights = [weight for _reason, weight in NOT_SERVED]
        why = random.Random(vid).choices(reasons, weights=weights)[0]
        return 0, why, NOT_SERVED_NOTE if why == "other" else ""
    if p.kind == "full":
        return meal_enrolled, "", ""
    return (round(fed * 0.95) if fed else None), "", ""


def _capture(
    rng, p: Profile, day, captured, received, status, version_id, messages, held, code=None
):
    code = code or ("wrong_clock" if held else "on_time" if status == Status.ACCEPTED else "late")
    if code == "late_offline":  # rare: its message names the school's own window
        until = f"{int(p.on_until) // 60:02d}:{int(p.on_until) % 60:02d}"
        hindi, english = in_both_languages(LATE_OFFLINE, time=until)
    else:
        hindi, english = messages[code]
    offset = 125 * 60 if held else 0
    return (
        uuid.UUID(int=rng.getrandbits(128), version=4), p.id, day, p.head_id, HEAD,
        DEVICE, captured - datetime.timedelta(seconds=offset), received, received, offset,
        hashlib.sha256(f"{p.id}:{version_id}".encode()).hexdigest(), str(status), code, hindi,
        english, "[]", version_id,
    )  # fmt: skip
