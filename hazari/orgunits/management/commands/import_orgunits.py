from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hazari.lib.tabular import errors_as_csv
from hazari.orgunits.importing import LEVEL_BY_NAME, import_units_csv
from hazari.orgunits.models import Level, OrgUnit


class Command(BaseCommand):
    help = "Import one level of the org-unit tree from a CSV file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("level", choices=sorted(LEVEL_BY_NAME))
        parser.add_argument("file", type=Path)
        parser.add_argument("--state", help="The state's code, if there is more than one.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")
        parser.add_argument("--errors-csv", type=Path, help="Write rejected rows here.")

    def handle(
        self,
        *args,
        level: str,
        file: Path,
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
        try:
            data = file.read_bytes()
        except OSError as e:
            raise CommandError(f"Cannot read {file}: {e}") from e
        result = import_units_csv(
            level=LEVEL_BY_NAME[level], data=data, state=states.get(), dry_run=dry_run
        )
        for rejected in result.errors[:50]:
            self.stderr.write(
                f"row {rejected.row} {rejected.field}: "
                f"{rejected.message_en} / {rejected.message_hi}"
            )
        if errors_csv and result.errors:
            errors_csv.write_text(errors_as_csv(result.errors), encoding="utf-8")
        summary = (
            f"{level}: {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged, {len(result.errors)} rejected"
        )
        if not result.ok:
            raise CommandError(f"{summary}. Nothing was imported.")
        self.stdout.write(summary + (" (dry run: nothing written)" if dry_run else ""))
