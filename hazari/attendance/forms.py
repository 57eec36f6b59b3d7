"""The web form for a school's daily attendance, and the officer's review note.

The form only checks what a browser can get wrong (numbers that are not numbers, below 0,
absurdly large); the rules of attendance (present ≤ enrolled, every class and posted staff
member once, reason for a correction, the time window) are the capture service's, whose
receipt errors are attached back to the fields here.
"""

import re
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from hazari.attendance.checks import MEALS_NOTE_MAX
from hazari.attendance.models import MealsNotServed, StaffStatus
from hazari.attendance.review import NOTE_MAX
from hazari.attendance.services import CaptureIn, ClassCount, StaffMark
from hazari.registers.selectors import EnrolmentRow

if TYPE_CHECKING:
    import datetime
    from uuid import UUID

    from hazari.staff.models import Posting

# Larger than any class, small enough for every database column.
MAX_COUNT = 9999
MAX_MEALS = 99999
REASON_MAX = 300
GENDERS = ("boys", "girls", "third_gender")

COUNT_ERRORS = {
    "required": _("Enter the number present (0 if none)."),
    "invalid": _("Enter a number such as 12."),
    "min_value": _("A count cannot be below 0."),
    "max_value": _("This number is too large."),
}


def _count(label, *, required: bool = True, max_value: int = MAX_COUNT) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=max_value,
        error_messages=COUNT_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def count_field(class_no: int, gender: str) -> str:
    return f"c{class_no}_{gender}"


def staff_field(posting_id: int) -> str:
    return f"staff_{posting_id}"


class ClassRow:
    """One class of the form: its enrolment and its three count fields (bound)."""

    def __init__(
        self,
        enrolled: EnrolmentRow,
        boys: forms.BoundField,
        girls: forms.BoundField,
        third_gender: forms.BoundField,
    ) -> None:
        self.class_no = enrolled.class_no
        self.enrolled = enrolled
        self.boys = boys
        self.girls = girls
        self.third_gender = third_gender

    @property
    def pairs(self) -> list[tuple[forms.BoundField, int]]:
        """(field, enrolled) for boys and girls, the two columns of the table."""
        return [(self.boys, self.enrolled.boys), (self.girls, self.enrolled.girls)]


class AttendanceForm(forms.Form):
    # Made when the form is shown, so that two clicks on save send the same capture.
    capture_id = forms.UUIDField(widget=forms.HiddenInput)
    meals_served = _count(_("Meals served today (PM POSHAN)"), required=False, max_value=MAX_MEALS)
    meals_reason = forms.ChoiceField(
        label=_("If no meal was served: why"),
        choices=[("", _("Meals were served")), *MealsNotServed.choices],
        required=False,
    )
    meals_note = forms.CharField(
        label=_("Note on the meals"),
        max_length=MEALS_NOTE_MAX,
        required=False,
        help_text=_("Needed for “Other”."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=REASON_MAX,
        required=False,
        help_text=_("Needed when attendance for the day was already sent."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        enrolment: list[EnrolmentRow],
        postings: "list[Posting]",
        meals: bool,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.postings = postings
        for row in enrolment:
            n = row.class_no
            self.fields[count_field(n, "boys")] = _count(
                _("Class %(class_no)s: boys present") % {"class_no": n}
            )
            self.fields[count_field(n, "girls")] = _count(
                _("Class %(class_no)s: girls present") % {"class_no": n}
            )
            self.fields[count_field(n, "third_gender")] = _count(
                _("Class %(class_no)s: third gender present") % {"class_no": n}, required=False
            )
        for p in postings:
            self.fields[staff_field(p.pk)] = forms.ChoiceField(
                label=p.name,
                choices=StaffStatus.choices,
                initial=StaffStatus.PRESENT,
                error_messages={
                    "required": _("Choose present, absent, on leave or on duty."),
                    "invalid_choice": _("Choose present, absent, on leave or on duty."),
                },
            )
        if not meals:
            for name in ("meals_served", "meals_reason", "meals_note"):
                del self.fields[name]

    def class_rows(self) -> list[ClassRow]:
        return [
            ClassRow(row, *(self[count_field(row.class_no, g)] for g in GENDERS))
            for row in self.enrolment
        ]

    def third_gender_open(self) -> bool:
        """Show the third-gender counts unfolded when the school has such students enrolled,
        or when one of them has a value or an error."""
        for row in self.class_rows():
            value = str(row.third_gender.value() or "").strip()
            if row.enrolled.third_gender or row.third_gender.errors or value not in ("", "0"):
                return True
        return False

    def staff_rows(self) -> list[tuple["Posting", forms.BoundField]]:
        return [(p, self[staff_field(p.pk)]) for p in self.postings]

    def capture_in(
        self, *, school_id: int, day: "datetime.date", captured_at: "datetime.datetime"
    ) -> CaptureIn:
        data = self.cleaned_data
        uuid: UUID = data["capture_id"]
        return CaptureIn(
            uuid=uuid,
            school_id=school_id,
            date=day,
            captured_at=captured_at,
            classes=[
                ClassCount(
                    class_no=row.class_no,
                    boys=data[count_field(row.class_no, "boys")],
                    girls=data[count_field(row.class_no, "girls")],
                    third_gender=data[count_field(row.class_no, "third_gender")] or 0,
                )
                for row in self.enrolment
            ],
            staff=[StaffMark(p.pk, data[staff_field(p.pk)]) for p in self.postings],
            meals_served=data.get("meals_served"),
            reason=data.get("reason", ""),
            meals_reason=data.get("meals_reason", ""),
            meals_note=data.get("meals_note", ""),
        )

    def field_for(self, where: str) -> str | None:
        """The form field of a receipt error's field ("classes[2].boys"), None for the form
        as a whole. The receipt counts rows in the order capture_in() sent them."""
        found = re.fullmatch(r"classes\[(\d+)\]\.(boys|girls|third_gender)", where)
        if found:
            i = int(found[1])
            if i < len(self.enrolment):
                return count_field(self.enrolment[i].class_no, found[2])
            return None
        found = re.fullmatch(r"staff\[(\d+)\]\.(?:posting_id|status)", where)
        if found:
            i = int(found[1])
            return staff_field(self.postings[i].pk) if i < len(self.postings) else None
        return where if where in self.fields and where != "capture_id" else None

    def add_receipt_errors(self, errors: list[dict], *, hindi: bool) -> None:
        for e in errors:
            message = e.get("message_hi" if hindi else "message_en") or e.get("message_en", "")
            self.add_error(self.field_for(e.get("field", "")), message)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note on your decision"),
        max_length=NOTE_MAX,
        help_text=_("For example: spoke to the head master; the phone's date was wrong."),
        error_messages={"required": _("Write a note on your decision.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
