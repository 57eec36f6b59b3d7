"""When does a school start on a day? Its own start time, unless a seasonal timetable of its
unit or of a unit above it covers the day (hazari.schooldays.models.Timetable): the nearest
unit's wins, so a school's own summer timing beats its district's.

Every upload asks, so the rows (a state has a few dozen) are kept by each process for a
minute (hazari.lib.memo), like the rule overrides; a save or delete clears the memo.
"""

import datetime
from collections.abc import Sequence

from hazari.lib.memo import Memo
from hazari.orgunits.models import School
from hazari.schooldays.models import Timetable

Season = tuple[datetime.date, datetime.date, datetime.time]


def _load(_: None) -> dict[int, list[Season]]:
    seasons: dict[int, list[Season]] = {}
    for unit_id, start, end, starts_at in Timetable.objects.values_list(
        "unit_id", "start", "end", "starts_at"
    ):
        seasons.setdefault(unit_id, []).append((start, end, starts_at))
    return seasons


SEASONS: Memo[None, dict[int, list[Season]]] = Memo(_load, seconds=60)


def start_time_along(
    chain: Sequence[int | None], day: datetime.date, own: datetime.time
) -> datetime.time:
    """The start time on `day` of the school whose units, from the state down to the school
    itself, are `chain` (None ids skipped), and whose own start time is `own`."""
    seasons = SEASONS.get(None)
    if not seasons:
        return own
    for unit_id in reversed(chain):
        for start, end, starts_at in seasons.get(unit_id, ()) if unit_id is not None else ():
            if start <= day <= end:
                return starts_at
    return own


def start_time_on(school: School, day: datetime.date) -> datetime.time:
    return start_time_along([*school.unit.ancestor_ids(), school.unit_id], day, school.start_time)
