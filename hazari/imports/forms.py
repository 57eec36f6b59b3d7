from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazari.imports.models import Kind
from hazari.registers.models import academic_year_of


def year_choices() -> list[tuple[int, str]]:
    this = academic_year_of(timezone.localdate())
    return [(y, f"{y}–{(y + 1) % 100:02d}") for y in range(this + 1, this - 3, -1)]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=Kind.choices)
    academic_year = forms.TypedChoiceField(
        label=_("Academic year (for enrolment)"),
        coerce=int,
        choices=year_choices,
        required=False,
    )
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("One sheet only. The first row names the columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(
                _(
                    "The file is %(size)s MB; at most %(limit)s MB can be uploaded. Split it "
                    "by district, or ask the state administrator to import it on the server."
                ),
                params={"size": round(upload.size / 1024 / 1024, 1), "limit": limit},
            )
        if upload.size == 0:
            raise ValidationError(_("The file is empty."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Only CSV and XLSX files can be imported."))
        return upload
