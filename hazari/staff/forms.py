from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazari.staff.services import REASON_MAX


class DateInput(forms.DateInput):
    """The phone's own date picker; it sends the ISO date."""

    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _today():
    return timezone.localdate()


class PostingAddForm(forms.Form):
    employee_code = forms.CharField(
        label=_("Employee code"),
        max_length=32,
        help_text=_("The employee code in HRMIS."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=150)
    designation = forms.CharField(
        label=_("Designation"),
        max_length=100,
        help_text=_("As in HRMIS, e.g. Primary Teacher."),
        widget=forms.TextInput(attrs={"list": "designations", "autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    start_date = forms.DateField(
        label=_("Posted at the school from"), initial=_today, widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("For example, the order number and date."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PostingEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Last day at the school"), initial=_today, widget=DateInput()
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("For example: transferred by order no. and date, retired, resigned."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
