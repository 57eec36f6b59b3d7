from django.core.management.base import BaseCommand, CommandParser

from hazari.orgunits.models import Level, OrgUnit


class Command(BaseCommand):
    help = "Create the state, the root of the org-unit tree (or rename it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True)
        parser.add_argument("--name-en", required=True)
        parser.add_argument("--name-hi", default="")

    def handle(self, *args, code: str, name_en: str, name_hi: str, **options) -> None:
        state, created = OrgUnit.objects.update_or_create(
            level=Level.STATE, code=code, defaults={"name_en": name_en, "name_hi": name_hi}
        )
        self.stdout.write(f"{'Created' if created else 'Updated'} state {state.code} {name_en}")
