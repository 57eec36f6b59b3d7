"""Enrolment from the state education portal: one row per school and class.

Columns: udise_code, class, boys, girls; optional third_gender and academic_year (else the
year chosen for the whole file, else the current one). A school's classes not in the file are
left as they are, so a district can send its own schools only.
"""

from django.utils import timezone
from django.utils.translation import gettext_noop

from hazari.imports.engine import Importer, SchoolLookup
from hazari.lib.bulk import bulk_insert_with_history, bulk_update_rows
from hazari.lib.tabular import RowError
from hazari.orgunits.categories import class_range
from hazari.orgunits.models import School
from hazari.registers.models import Enrolment, academic_year_of

COUNTS = ("boys", "girls", "third_gender")
MAX_COUNT = 5000  # more children in one class of one school is a typing error


def parse_count(row: int, column: str, raw: str, errors: list[RowError]) -> int:
    if raw == "" and column == "third_gender":
        return 0
    if not raw.isdigit():
        errors.append(
            RowError.of(
                row,
                column,
                "bad_count",
                gettext_noop("%(column)s must be a whole number of 0 or more; it is %(value)r."),
                column=column,
                value=raw,
            )
        )
        return 0
    value = int(raw)
    if value > MAX_COUNT:
        errors.append(
            RowError.of(
                row,
                column,
                "count_too_large",
                gettext_noop("%(column)s is %(value)s, more than %(limit)s in one class."),
                column=column,
                value=value,
                limit=MAX_COUNT,
            )
        )
    return value


class EnrolmentImporter(Importer):
    required = {"udise_code", "class", "boys", "girls"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.schools = SchoolLookup(self.area)
        self.default_year = int(
            self.options.get("academic_year") or academic_year_of(timezone.localdate())
        )
        self.seen: dict[tuple[int, int, int], int] = {}

    def _parse(self, row: int, cells: dict[str, str]):
        errors: list[RowError] = []
        school = self.schools.find(row, cells["udise_code"])
        if isinstance(school, RowError):
            errors.append(school)
        raw_class = cells["class"]
        class_no = int(raw_class) if raw_class.isdigit() else 0
        if not 1 <= class_no <= 12:
            errors.append(
                RowError.of(
                    row,
                    "class",
                    "bad_class",
                    gettext_noop("A class is a number from 1 to 12; it is %(value)r."),
                    value=raw_class,
                )
            )
        year = self.default_year
        raw_year = cells.get("academic_year", "")
        if raw_year:
            year = int(raw_year[:4]) if raw_year[:4].isdigit() else 0
            if not 2000 <= year <= self.default_year + 1:
                errors.append(
                    RowError.of(
                        row,
                        "academic_year",
                        "bad_year",
                        gettext_noop(
                            "The academic year must look like 2025 or 2025-26; it is %(value)r."
                        ),
                        value=raw_year,
                    )
                )
        counts = {c: parse_count(row, c, cells.get(c, ""), errors) for c in COUNTS}
        return errors, school, class_no, year, counts

    def feed(self, rows, *, write: bool) -> None:
        parsed = []
        for row, cells in rows:
            errors, school, class_no, year, counts = self._parse(row, cells)
            if not errors:
                key = (school, year, class_no)
                first = self.seen.setdefault(key, row)
                if first != row:
                    errors.append(
                        RowError.of(
                            row,
                            "class",
                            "duplicate",
                            gettext_noop(
                                "Class %(class_no)s of this school is already on row %(first)s."
                            ),
                            class_no=class_no,
                            first=first,
                        )
                    )
            if errors:
                self.outcome.reject(errors)
            else:
                parsed.append((row, key, counts))
        self._compare_and_write(parsed, write=write)

    def _compare_and_write(self, parsed, *, write: bool) -> None:
        # Plain tuples, not model instances: at a state's 5 lakh rows, building a model object
        # for every unchanged row costs more than the queries.
        school_ids = {key[0] for _, key, _ in parsed}
        classes = {
            pk: class_range(category, low, high)
            for pk, category, low, high in School.objects.filter(pk__in=school_ids).values_list(
                "pk", "category", "lowest_class_override", "highest_class_override"
            )
        }
        existing = {
            (school_id, year, class_no): (pk, (boys, girls, third))
            for pk, school_id, year, class_no, boys, girls, third in Enrolment.objects.filter(
                school_id__in=school_ids, academic_year__in={key[1] for _, key, _ in parsed}
            ).values_list("pk", "school_id", "academic_year", "class_no", *COUNTS)
        }
        new, changed = [], []
        now = timezone.now()
        for row, (school_id, year, class_no), counts in parsed:
            taught = classes[school_id]
            if class_no not in taught:
                self.outcome.reject(
                    [
                        RowError.of(
                            row,
                            "class",
                            "class_not_taught",
                            gettext_noop(
                                "This school teaches classes %(low)s to %(high)s, not class "
                                "%(class_no)s."
                            ),
                            low=taught.start,
                            high=taught.stop - 1,
                            class_no=class_no,
                        )
                    ]
                )
                continue
            current = existing.get((school_id, year, class_no))
            values = tuple(counts[c] for c in COUNTS)
            if current is not None and current[1] == values:
                self.outcome.unchanged += 1
                continue
            if not write:  # a dry run only counts
                self.outcome.new += current is None
                self.outcome.changed += current is not None
                continue
            enrolment = Enrolment(
                school_id=school_id, academic_year=year, class_no=class_no, updated=now, **counts
            )
            if current is None:
                new.append(enrolment)
            else:
                enrolment.pk = current[0]
                changed.append(enrolment)
        self.outcome.new += len(new)
        self.outcome.changed += len(changed)
        if write and not self.outcome.rejected:
            who, why = self.batch.uploaded_by, self.batch.source
            bulk_insert_with_history(
                new,
                ["school_id", "academic_year", "class_no", *COUNTS, "updated"],
                user=who,
                reason=why,
                when=timezone.now(),
            )
            bulk_update_rows(changed, [*COUNTS, "updated"])
            Enrolment.history.bulk_history_create(
                changed,
                batch_size=2000,
                update=True,
                default_user=who,
                default_change_reason=why,
            )
