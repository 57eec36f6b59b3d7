"""Load a state's holidays for one academic session from a CSV or XLSX file: all rows or
none. Columns: name, and date (or start and end); optionally kind. See
hazari/schooldays/holidays_csv.py."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hazari.lib.tabular import errors_as_csv
from hazari.orgunits.models import Level, OrgUnit
from hazari.schooldays.holidays_csv import holidays_load


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--year",
            type=int,
            required=True,
            help="The year the session starts in (2026 for 2026–27).",
        )
        parser.add_argument("--state", help="The state's code, if there is more than one.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")
        parser.add_argument("--errors-csv", type=Path, help="Write rejected rows here.")

    def handle(
        self,
        *args,
        file: Path,
        year: int,
        state: str | None,
        dry_run: bool,
        errors_csv: Path | None,
        **options,
    ) -> None:
        states = OrgUnit.objects.filter(level=Level.STATE)
        if state:
            states = states.filter(code=state)
        if states.count() != 1:
            raise CommandError("Name the state with --state (create it with create_state).")
        if not 2000 <= year <= 2100:
            raise CommandError("--year is the year the session starts in, e.g. 2026.")
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"Cannot read {file}: {e}") from e
        result = holidays_load(
            data=data, start_year=year, state=states.get(), file_name=file.name, dry_run=dry_run
        )
        for rejected in result.errors[:50]:
            self.stderr.write(
                f"row {rejected.row} {rejected.field}: "
                f"{rejected.message_en} / {rejected.message_hi}"
            )
        if errors_csv and result.errors:
            errors_csv.write_text(errors_as_csv(result.errors), encoding="utf-8")
        session = result.session.name if result.session else year
        summary = (
            f"session {session}{' (new)' if result.session_created else ''}: "
            f"{result.created} new, {result.unchanged} unchanged, {len(result.errors)} rejected"
        )
        if not result.ok:
            raise CommandError(f"{summary}. Nothing was loaded.")
        self.stdout.write(summary + (" (dry run: nothing written)" if dry_run else ""))
