from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hazari.orgunits.models import Level, OrgUnit
from hazari.schooldays.models import Kind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# What a date box accepts: the browser's date picker sends ISO dates; typed dates are
# usually day first.
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"]


def _date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date such as 26-01-2027.")},
        **kwargs,
    )


def kind_choices(unit: OrgUnit) -> list[tuple[str, "StrOrPromise"]]:
    """A state holiday is entered on the state; a local holiday on an area below it."""
    skip = Kind.LOCAL_HOLIDAY if unit.level == Level.STATE else Kind.STATE_HOLIDAY
    return [(value, label) for value, label in Kind.choices if value != skip]


class ClosureForm(forms.Form):
    start = _date_field(_("From"))
    end = _date_field(_("To"), required=False, help_text=_("Leave empty for a single day."))
    kind = forms.ChoiceField(label=_("Kind"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: heavy rain, polling station, the village fair."),
    )

    def __init__(self, unit: OrgUnit, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kind_choices(unit)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start") and not data.get("end"):
            data["end"] = data["start"]
        return data


class WorkingDayForm(forms.Form):
    day = _date_field(_("Date"), help_text=_("A weekly off day on which the schools will open."))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: in place of the day lost to the flood."),
    )


class TimetableForm(forms.Form):
    start = _date_field(_("From"))
    end = _date_field(_("To"))
    starts_at = forms.TimeField(
        label=_("Schools start at"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"invalid": _("Enter a time such as 07:30.")},
        help_text=_("The on-time hour counts from this time, for every school here."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("For example: summer morning schools.")
    )
