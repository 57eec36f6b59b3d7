import datetime

from hazari.staff.models import Posting, Source


def make_posting(school, code="EMP7001", start=datetime.date(2021, 7, 1), **fields) -> Posting:
    fields.setdefault("name", "Ravi Kumar")
    fields.setdefault("designation", "Primary Teacher")
    fields.setdefault("source", Source.HRMIS)
    return Posting.objects.create(employee_code=code, school=school, start_date=start, **fields)
