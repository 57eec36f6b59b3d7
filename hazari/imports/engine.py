"""Running an import: check every row, then (on apply) write them all or none.

An importer (one per kind of register) sees the file in chunks and keeps its own counts; the
engine streams the rows, records problems, reports progress and owns the transaction. A file
is all-or-nothing: the apply pass writes inside one transaction and rolls it back if any row
is rejected, so a file checked clean but changed underneath (a school closed meanwhile) still
leaves nothing half-written.
"""

import hashlib
import logging
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import IO, ClassVar

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_noop

from hazari.imports.models import ImportBatch, Kind, RowProblem, Status
from hazari.lib.iters import chunked
from hazari.lib.tabular import MALFORMED, FileError, RowError, iter_table, malformed_row_error
from hazari.orgunits.models import Level, OrgUnit, School

log = logging.getLogger(__name__)

IMPORTERS: dict[str, str] = {
    Kind.ENROLMENT: "hazari.registers.enrolment_import.EnrolmentImporter",
    Kind.STUDENTS: "hazari.registers.students_import.StudentImporter",
    Kind.STAFF: "hazari.staff.importer.StaffImporter",
}


@dataclass
class Outcome:
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    problems: list[RowError] = field(default_factory=list)

    def reject(self, errors: list[RowError]) -> None:
        self.rejected += 1
        room = RowProblem.MAX_KEPT - len(self.problems)
        if room > 0:
            self.problems.extend(errors[:room])


class SchoolLookup:
    """UDISE code → school, telling "no such school" apart from "not in your area"."""

    def __init__(self, area: OrgUnit) -> None:
        self._ids = dict(
            OrgUnit.objects.filter(level=Level.SCHOOL, is_active=True).values_list("code", "pk")
        )
        self._inside = set(School.objects.under(area).values_list("pk", flat=True))

    def find(self, row: int, udise: str, column: str = "udise_code") -> int | RowError:
        school_id = self._ids.get(udise)
        if school_id is None:
            return RowError.of(
                row,
                column,
                "unknown_school",
                gettext_noop("No school has the UDISE code %(value)r."),
                value=udise,
            )
        if school_id not in self._inside:
            return RowError.of(
                row,
                column,
                "outside_area",
                gettext_noop("The school %(value)s is outside your area."),
                value=udise,
            )
        return school_id


class Importer:
    """One kind of register file. Subclasses set `required` and implement feed()."""

    required: ClassVar[set[str]] = set()
    chunk_size: ClassVar[int] = 5000

    def __init__(self, *, batch: ImportBatch, outcome: Outcome) -> None:
        self.batch = batch
        self.outcome = outcome
        self.area = batch.area
        self.options = batch.options or {}

    def feed(self, rows: list[tuple[int, dict[str, str]]], *, write: bool) -> None:
        raise NotImplementedError

    def finish(self, *, write: bool) -> None:
        """End-of-file work, after the last chunk."""


def progress_key(batch_id) -> str:
    return f"import-progress:{batch_id}"


def rows_done(batch: ImportBatch) -> int:
    return cache.get(progress_key(batch.pk), 0)


def run(batch: ImportBatch, stream: IO[bytes], *, write: bool) -> Outcome:
    """One pass over the file. With write=False nothing is written."""
    importer: Importer = import_string(IMPORTERS[batch.kind])(batch=batch, outcome=Outcome())
    outcome = importer.outcome
    rows = iter_table(stream, file_name=batch.file_name, required=importer.required)
    try:
        with transaction.atomic() if write else nullcontext():
            for chunk in chunked(_well_formed(rows, outcome), importer.chunk_size):
                outcome.rows += len(chunk)
                importer.feed(chunk, write=write)
                cache.set(progress_key(batch.pk), outcome.rows, 3600)
            importer.finish(write=write)
            if write and outcome.rejected:
                transaction.set_rollback(True)
    except FileError as e:
        outcome.reject([e.error])
    return outcome


def _well_formed(rows: Iterator[tuple[int, dict[str, str]]], outcome: Outcome):
    for row, cells in rows:
        if MALFORMED in cells:
            outcome.rows += 1
            outcome.reject([malformed_row_error(row, cells)])
        else:
            yield row, cells


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def _record(batch: ImportBatch, outcome: Outcome, status: str) -> None:
    batch.status = status
    batch.rows = outcome.rows
    batch.new, batch.changed, batch.unchanged = outcome.new, outcome.changed, outcome.unchanged
    batch.rejected = outcome.rejected
    batch.finished = timezone.now()
    with transaction.atomic():
        batch.save()
        batch.problems.all().delete()
        RowProblem.objects.bulk_create(
            RowProblem(
                batch=batch,
                row=p.row,
                field=p.field[:100],
                code=p.code,
                message_hi=p.message_hi,
                message_en=p.message_en,
            )
            for p in outcome.problems
        )


def _claim(batch_id, *, from_status: str, to_status: str) -> ImportBatch | None:
    """Move a batch on only if it is still where we expect it: a double click or a second
    worker finds nothing to do (a conditional UPDATE, not a check-then-write)."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=from_status).update(status=to_status)
    return ImportBatch.objects.get(pk=batch_id) if claimed else None


def _open(batch: ImportBatch, stream: IO[bytes] | None):
    if stream is not None:
        stream.seek(0)
        return nullcontext(stream)
    return batch.file.open("rb")


def check(batch_id, stream: IO[bytes] | None = None) -> ImportBatch | None:
    """The dry run: count new / changed / unchanged / rejected rows, write nothing."""
    batch = _claim(batch_id, from_status=Status.QUEUED, to_status=Status.CHECKING)
    if batch is None:
        return None
    try:
        with _open(batch, stream) as f:
            outcome = run(batch, f, write=False)
    except Exception:
        log.exception("checking import %s failed", batch_id)
        _record(batch, Outcome(), Status.FAILED)
        raise
    _record(batch, outcome, Status.REJECTED if outcome.rejected else Status.CHECKED)
    return batch


def apply(
    batch_id, stream: IO[bytes] | None = None, *, unchecked: bool = False
) -> ImportBatch | None:
    """Write the checked file, all rows or none. With unchecked=True (the server command,
    whose operator asked for no preview) a queued batch is written in a single pass: rows
    are still checked one by one, and any rejected row still rolls the whole file back."""
    from_status = Status.QUEUED if unchecked else Status.CHECKED
    batch = _claim(batch_id, from_status=from_status, to_status=Status.APPLYING)
    if batch is None:
        return None
    try:
        with _open(batch, stream) as f:
            outcome = run(batch, f, write=True)
    except Exception:
        log.exception("applying import %s failed", batch_id)
        _record(batch, Outcome(), Status.FAILED)
        raise
    _record(batch, outcome, Status.REJECTED if outcome.rejected else Status.APPLIED)
    return batch
