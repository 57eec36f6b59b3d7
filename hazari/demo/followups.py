"""The follow-up that the demo's head masters would have recorded (issue 15).

After the roll calls are written, each child of a school that calls the roll is looked at
along their marked days: a run of RUN_DAYS or more absences in a row puts them on the
follow-up list (hazari.students.followup, the run rule). Of those children a share (FOLLOWED)
have a head master who follows them up: a follow-up opened a few school days after the run
began, with its cause: seasonal migration when the child was away with a migrating family
(hazari.demo.students, the migrating block in its seasons), else a mix in which illness is the
most common. Most then have an action a few days later (a call to the parent, a home visit,
word to the cluster officer) and an outcome: came back, on the day the run ended, which closes
the follow-up; or still absent. Some stay open with nothing done, as some do in real schools,
so that the dashboards' "no action" has children to count.

Written as `hazari.students.services.followup_entry_record` would have left them (the
follow-up's latest cause, action and outcome; closed when the child came back; one open at a
time per child), but in bulk. A child's draws come from the seed, the child and the run's
first day, so a run is reproducible; runs that begin on or before a day the child's existing
follow-ups already reach, and children with a follow-up still open, are left alone: running
it again adds nothing for the days already done.
"""

import datetime
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from hazari.accounts.roles import Role
from hazari.demo.students import Roll
from hazari.lib.iters import chunked
from hazari.students.followup import standing_of_months
from hazari.students.marks import Month
from hazari.students.models import Action, Cause, FollowUp, FollowUpEntry, Kind, MarkMonth, Outcome
from hazari.students.rollup import session_start

RUN_DAYS = 3  # absences in a row that put a child on the list (followup.Limits.run_days)
FOLLOWED = 0.65  # children on the list whose head master follows them up
LATER_RUN = 0.5  # chance a later run of the same child is followed up too
OPEN_AFTER = (2, 4)  # school days after the run began
ACTED = 0.75  # follow-ups with an action
ACT_AFTER = (0, 3)  # school days after the follow-up opened
SECOND_ACTION_AFTER = 5  # school days still absent after the first action
RECORD_RETURN = 0.9  # with an action, the child's return is recorded
RETURN_WITHOUT_ACTION = 0.5  # without one, the return is recorded
STILL_ABSENT = 0.6  # with an action and no return yet, "still absent" recorded
MIGRATION_NAMED = 0.9  # a migrating child's cause given as migration (else not known)
RECENT_ACTION = 0.6  # children on the list today with an action in the last RECENT_DAYS
RECENT_DAYS = 6
HEAD = str(Role.HEAD_MASTER.value)
HASH = "demo"

CAUSES = (
    (Cause.ILLNESS, 34),
    (Cause.HOUSEHOLD, 14),
    (Cause.WORK, 12),
    (Cause.NOT_KNOWN, 12),
    (Cause.FAMILY_EVENT, 9),
    (Cause.DISTANCE, 8),
    (Cause.OTHER, 5),
    (Cause.MARRIAGE, 2),
    (Cause.DISABILITY, 2),
    (Cause.LEFT, 2),
)
OTHER_NOTES = (
    "No uniform or shoes",
    "Looking after a sick grandparent",
    "Fair in the village",
    "Afraid of a teacher",
    "Helping at a relative's shop",
)
ACTIONS = ((Action.CALLED_PARENT, 55), (Action.HOME_VISIT, 30), (Action.TOLD_CLUSTER, 15))


@dataclass
class Written:
    follow_ups: int = 0
    entries: int = 0
    on_list: int = 0  # children with a run of absences in the days looked at
    by_cause: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def runs(days: Sequence[tuple[datetime.date, bool]]) -> list[tuple[int, int]]:
    """The runs of RUN_DAYS or more absences in a row: (first index, last index) in `days`
    (marked days in order, absent or not)."""
    out = []
    start = None
    for i, (_, absent) in enumerate(days):
        if absent:
            if start is None:
                start = i
        else:
            if start is not None and i - start >= RUN_DAYS:
                out.append((start, i - 1))
            start = None
    if start is not None and len(days) - start >= RUN_DAYS:
        out.append((start, len(days) - 1))
    return out


def marked_days(
    school_ids: Iterable[int], first: datetime.date, session: datetime.date
) -> tuple[dict[int, list[tuple[datetime.date, bool]]], dict[int, list[Month]]]:
    """Each child's marked days from `first`'s month on: {student: [(day, absent)]}; and
    their months of the session from `session` on."""
    out: dict[int, list[tuple[datetime.date, bool]]] = defaultdict(list)
    months: dict[int, list[Month]] = defaultdict(list)
    for chunk in chunked(sorted(school_ids), 500):
        rows = (
            MarkMonth.objects.filter(school_id__in=chunk, month__gte=first.replace(day=1))
            .order_by("student_id", "month")
            .values_list("student_id", "month", "marked", "absent")
        )
        for student, month, marked, absent in rows.iterator(chunk_size=20_000):
            days = out[student]
            if month >= session:
                months[student].append(Month(month, marked, absent))
            bits = marked
            while bits:
                low = bits & -bits
                d = low.bit_length() - 1
                days.append((month.replace(day=d + 1), bool(absent & low)))
                bits ^= low
    return out, months


def _pick(rng: random.Random, weighted) -> str:
    choices, weights = zip(*weighted, strict=True)
    return str(rng.choices(choices, weights=weights)[0])


def write(
    schools: Sequence[tuple[int, int, Roll]],
    *,
    seed: int,
    first: datetime.date,
    now: datetime.datetime,
) -> Written:
    """Follow-ups for the children of these schools ((school, head master user, roll)) on
    the list in their marked days from `first`'s month on."""
    written = Written()
    if not schools:
        return written
    head = {school_id: head_id for school_id, head_id, _ in schools}
    school_of: dict[int, int] = {}
    away: dict[int, tuple[tuple[int, int], ...]] = {}
    for school_id, _, roll in schools:
        for c in roll.children:
            school_of[c.pk] = school_id
            if c.away:
                away[c.pk] = c.away
    today = timezone.localdate(now)
    days_of, months_of = marked_days(head, first, session_start(today))
    # How far each child's existing follow-ups reach, and who has one open.
    reach: dict[int, datetime.date] = {}
    still_open: set[int] = set()
    for chunk in chunked(sorted(days_of), 5000):
        for student, *ons, is_open in FollowUp.objects.filter(student_id__in=chunk).values_list(
            "student_id", "opened_on", "action_on", "outcome_on", "is_open"
        ):
            last = max(d for d in ons if d is not None)
            if student not in reach or last > reach[student]:
                reach[student] = last
            if is_open:
                still_open.add(student)
    follow_ups: list[FollowUp] = []
    entries: list[list[FollowUpEntry]] = []

    def entry(rng, kind: str, code: str, on: datetime.date, k: int, note: str = "", *, by: int):
        # In the afternoon, in the order recorded (k); today's before now, still in order.
        at = timezone.make_aware(datetime.datetime.combine(on, datetime.time(15, 30 + k)))
        at = min(at, now - datetime.timedelta(minutes=10 - k))
        written.entries += 1
        return FollowUpEntry(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            kind=kind,
            code=code,
            note=note,
            on=on,
            recorded_by_id=by,
            role=HEAD,
            captured_at=at,
            received_at=at,
            content_hash=HASH,
        )

    for student in sorted(days_of):
        days = days_of[student]
        found = runs(days)
        now_on = standing_of_months(months_of.get(student, ())).to_follow_up
        if not found and not now_on:
            continue
        written.on_list += 1
        if student in still_open or student not in school_of:
            continue
        if random.Random(f"{seed}:followup:{student}").random() >= FOLLOWED:
            continue
        school_id = school_of[student]
        by = head[school_id]
        covered = reach.get(student)
        later = covered is not None  # a run after those already followed up is a later one
        current: tuple[FollowUp, list[FollowUpEntry]] | None = None
        for start, end in found:
            began = days[start][0]
            if covered is not None and began <= covered:
                continue
            rng = random.Random(f"{seed}:followup:{student}:{began.toordinal()}")
            if later and rng.random() >= LATER_RUN:
                continue
            opened = start + rng.randint(*OPEN_AFTER)
            if opened >= len(days) or days[opened][0] > today:
                continue  # not recorded yet
            later = True
            opened_on = days[opened][0]
            fu = FollowUp(student_id=student, school_id=school_id, opened_on=opened_on)
            mine: list[FollowUpEntry] = []
            o = began.toordinal()
            migrating = any(lo <= o + 3 and o <= hi for lo, hi in away.get(student, ()))
            if migrating:
                cause = Cause.MIGRATION if rng.random() < MIGRATION_NAMED else Cause.NOT_KNOWN
            else:
                cause = Cause(_pick(rng, CAUSES))
            note = rng.choice(OTHER_NOTES) if cause == Cause.OTHER else ""
            fu.cause, fu.cause_note = cause, note
            mine.append(entry(rng, Kind.CAUSE, cause, opened_on, 0, note, by=by))
            written.by_cause[cause] += 1
            last_day = opened_on
            returned = days[end + 1][0] if end + 1 < len(days) else None
            if rng.random() < ACTED and (acted := opened + rng.randint(*ACT_AFTER)) < len(days):
                action = _pick(rng, ACTIONS)
                fu.action, fu.action_on = action, days[acted][0]
                mine.append(entry(rng, Kind.ACTION, action, fu.action_on, 1, by=by))
                again = acted + SECOND_ACTION_AFTER
                if again <= end and again < len(days) and action != Action.TOLD_CLUSTER:
                    second = (
                        Action.TOLD_CLUSTER if action == Action.HOME_VISIT else Action.HOME_VISIT
                    )
                    fu.action, fu.action_on = second, days[again][0]
                    mine.append(entry(rng, Kind.ACTION, second, fu.action_on, 2, by=by))
                last_day = fu.action_on
                if returned is not None and rng.random() < RECORD_RETURN:
                    fu.outcome, fu.outcome_on = Outcome.CAME_BACK, max(returned, last_day)
                elif returned is None and rng.random() < STILL_ABSENT:
                    nxt = min(acted + 3, len(days) - 1)
                    fu.outcome, fu.outcome_on = Outcome.STILL_ABSENT, days[nxt][0]
            elif returned is not None and rng.random() < RETURN_WITHOUT_ACTION:
                fu.outcome, fu.outcome_on = Outcome.CAME_BACK, max(returned, opened_on)
            if fu.outcome and fu.outcome_on is not None:
                mine.append(entry(rng, Kind.OUTCOME, fu.outcome, fu.outcome_on, 3, by=by))
            fu.is_open = fu.outcome != Outcome.CAME_BACK
            follow_ups.append(fu)
            entries.append(mine)
            if fu.is_open:
                current = fu, mine
                break  # one open at a time: the child's later runs wait on this one
        if now_on:
            # On the list today: most have had something done in the last few days.
            # (An open follow-up of this run gets the action in place; else a new one.)
            recent = _recent(seed, student, days, today, current, covered, away, entry, by)
            if recent is not None and current is None:
                fu = recent[0]
                fu.school_id = school_id
                written.by_cause[fu.cause] += 1
                follow_ups.append(fu)
                entries.append(recent[1])
    with transaction.atomic():
        made = FollowUp.objects.bulk_create(follow_ups, batch_size=2000)
        rows = []
        for fu, mine in zip(made, entries, strict=True):
            for e in mine:
                e.follow_up_id = fu.pk
                rows.append(e)
        FollowUpEntry.objects.bulk_create(rows, batch_size=2000)
    written.follow_ups = len(made)
    return written


def _recent(seed, student, days, today, current, covered, away, entry, by):
    """For a child on the list today: an action in the last few school days, on their open
    follow-up (`current`, made in this run) or on a new one opened a few days before it (a
    FollowUp whose `entries` are returned with it); None when nothing was done lately."""
    if not days:
        return None
    rng = random.Random(f"{seed}:followup:{student}:now:{days[-1][0].toordinal()}")
    if rng.random() >= RECENT_ACTION:
        return None
    acted = len(days) - 1 - rng.randint(0, 3)
    if acted < 0 or days[acted][0] < today - datetime.timedelta(days=RECENT_DAYS):
        return None
    action = _pick(rng, ACTIONS)
    on = days[acted][0]
    if current is not None:
        fu, mine = current
        if (fu.action_on and on <= fu.action_on) or on < fu.opened_on or fu.outcome_on:
            return None
        fu.action, fu.action_on = action, on
        mine.append(entry(rng, Kind.ACTION, action, on, 4, by=by))
        return fu, mine
    opened = max(0, acted - rng.randint(*OPEN_AFTER))
    opened_on = days[opened][0]
    if covered is not None and opened_on <= covered:
        return None
    o = opened_on.toordinal()
    migrating = any(lo <= o <= hi for lo, hi in away.get(student, ()))
    cause = Cause.MIGRATION if migrating else Cause(_pick(rng, CAUSES))
    note = rng.choice(OTHER_NOTES) if cause == Cause.OTHER else ""
    fu = FollowUp(
        student_id=student,
        opened_on=opened_on,
        cause=cause,
        cause_note=note,
        action=action,
        action_on=on,
    )
    return fu, [
        entry(rng, Kind.CAUSE, cause, opened_on, 0, note, by=by),
        entry(rng, Kind.ACTION, action, on, 1, by=by),
    ]
