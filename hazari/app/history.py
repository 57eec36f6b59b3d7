"""A school's last 30 days as the phone app shows them: for each day, whether the school was
open, and what the server holds for it (reported on time or late, the current version, how
many students were present, a version held for review).

The app's own outbox knows only what this phone sent; this is the server's record, which also
holds what was entered on the website, from another phone, or approved by an officer since.
Five queries, whatever the number of days: the calendar (three), the day records with their
current versions, and the held versions waiting for review.
"""

import datetime

from hazari.attendance.models import DayRecord, Status, Version
from hazari.lib.i18n import label_in_both_languages
from hazari.orgunits.models import School
from hazari.schooldays.days import school_calendar

HISTORY_DAYS = 30


def history_for(school: School, today: datetime.date, days: int = HISTORY_DAYS) -> list[dict]:
    """The school's days from today back, newest first."""
    start = today - datetime.timedelta(days=days - 1)
    calendar = school_calendar([school], start, today)
    records = {
        r.date: r
        for r in DayRecord.objects.filter(school=school, date__gte=start, date__lte=today)
        .select_related("current")
        .only(
            "date",
            "on_time",
            "current__number",
            "current__status",
            "current__present_boys",
            "current__present_girls",
            "current__present_third_gender",
            "current__meals_served",
        )
    }
    held = set(
        Version.objects.filter(
            record__school=school,
            record__date__gte=start,
            record__date__lte=today,
            status=Status.HELD,
            reviewed_by__isnull=True,
        ).values_list("record__date", flat=True)
    )
    out = []
    for day, status in reversed(
        list(zip(calendar.days, calendar.statuses(school.pk), strict=True))
    ):
        record = records.get(day)
        current = record.current if record is not None else None
        hindi, english = label_in_both_languages(status)
        out.append(
            {
                "date": day,
                "open": status.open,
                "label_hi": hindi,
                "label_en": english,
                "reported": current is not None,
                "on_time": record.on_time if current is not None and record else None,
                "version": current.number if current is not None else None,
                "status": current.status if current is not None else None,
                "present": current.present_boys
                + current.present_girls
                + current.present_third_gender
                if current is not None
                else None,
                "meals_served": current.meals_served if current is not None else None,
                "held": day in held,
            }
        )
    return out
