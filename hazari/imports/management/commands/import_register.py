"""Import a register file on the server: check it, then (unless --dry-run) write it, all rows
or none. For files too large to upload through the web (a state's student register)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hazari.imports import engine
from hazari.imports.models import ImportBatch, Kind, Status
from hazari.lib.tabular import errors_as_csv
from hazari.orgunits.models import Level, OrgUnit


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[k.value for k in Kind])
        parser.add_argument("file", type=Path)
        parser.add_argument("--area", help="Code of the unit the file may touch (the state).")
        parser.add_argument("--academic-year", type=int, help="For enrolment: e.g. 2026.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")
        parser.add_argument("--errors-csv", type=Path, help="Write rejected rows here.")

    def handle(
        self,
        *args,
        kind: str,
        file: Path,
        area: str | None,
        academic_year: int | None,
        dry_run: bool,
        errors_csv: Path | None,
        **options,
    ) -> None:
        units = (
            OrgUnit.objects.filter(code=area) if area else OrgUnit.objects.filter(level=Level.STATE)
        )
        if units.count() != 1:
            raise CommandError("Name the area with --area CODE.")
        if not file.is_file():
            raise CommandError(f"No file at {file}.")
        with file.open("rb") as stream:
            batch = ImportBatch.objects.create(
                kind=kind,
                file_name=file.name,
                sha256=engine.sha256_of(stream),
                size=file.stat().st_size,
                area=units.get(),
                options={"academic_year": academic_year},
            )
            if dry_run:
                batch = engine.check(batch.pk, stream) or batch
                self._report(batch, "checked")
            else:
                # One pass: every row is checked as it is written, and a rejected row rolls
                # the whole file back, so the separate preview pass is not needed here.
                batch = engine.apply(batch.pk, stream, unchecked=True) or batch
                self._report(batch, "imported")
        if errors_csv and batch.rejected:
            errors_csv.write_text(errors_as_csv(batch.problems.all()), encoding="utf-8")
        if batch.status in (Status.REJECTED, Status.FAILED):
            raise CommandError(f"{batch.rejected} rows rejected; nothing was imported.")

    def _report(self, batch: ImportBatch, what: str) -> None:
        self.stdout.write(
            f"{what}: {batch.rows} rows, {batch.new} new, {batch.changed} changed, "
            f"{batch.unchanged} unchanged, {batch.rejected} rejected ({batch.status})"
        )
        for p in batch.problems.all()[:20]:
            self.stderr.write(f"row {p.row} {p.field}: {p.message_en} / {p.message_hi}")
