"""Staff postings: which employee is posted at which school, from when to when.

A posting comes from the state's HRMIS file or is added by hand by a DDO or block officer. It
is never deleted: it is ended, with a date and a reason, and every change is kept in its
history (who, when, what, why). The daily staff attendance will ask `Posting.objects.at(school)
.on(day)` for the people to mark.

An employee has at most one open posting (no end date) at a time: a database constraint. An
attachment to a second school is not modelled; a transfer ends one posting and opens another.
"""

import datetime
import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hazari.accounts.models import User, normalize_user_id
from hazari.orgunits.models import School, mobile_validator

# Employee codes look like user IDs (an employee's code is their user ID).
EMPLOYEE_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{2,31}$")
employee_code_validator = RegexValidator(
    EMPLOYEE_CODE_RE,
    _("An employee code has 3 to 32 letters, digits, dots, dashes or underscores."),
)

# Reasons the system writes itself; stored in English and translated when shown.
REASON_HRMIS = gettext_noop("Posted as per HRMIS")
REASON_TRANSFERRED = gettext_noop("Transferred (HRMIS)")
SYSTEM_REASONS = frozenset({REASON_HRMIS, REASON_TRANSFERRED})


def reason_shown(text: str | None) -> str:
    """A reason as the reader sees it: the system's own in their language, typed ones as typed."""
    text = text or ""
    return gettext(text) if text in SYSTEM_REASONS else text


# Suggestions for the designation field. HRMIS spells designations its own way and its list
# changes, so the field is free text: these are only offered in the form.
COMMON_DESIGNATIONS = [
    ("Head Master", _("Head master")),
    ("Principal", _("Principal")),
    ("Primary Teacher", _("Primary teacher")),
    ("Middle School Teacher", _("Middle school teacher")),
    ("High School Teacher", _("High school teacher")),
    ("Higher Secondary Teacher", _("Higher secondary teacher")),
    ("Guest Teacher", _("Guest teacher")),
    ("Lab Assistant", _("Lab assistant")),
    ("Clerk", _("Clerk")),
    ("Peon", _("Peon")),
]


# An employee's code is their user ID: case and stray spaces do not matter.
normalize_employee_code = normalize_user_id


def normalize_text(value: str) -> str:
    """Names and designations: runs of spaces collapsed."""
    return " ".join((value or "").split())


def normalize_mobile(value: str) -> str:
    """10 digits, from what people type: spaces and dashes, +91 or a leading 0."""
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+91"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


class Source(models.TextChoices):
    HRMIS = "hrmis", _("HRMIS")
    MANUAL = "manual", _("Added by an officer")


class PostingQuerySet(models.QuerySet["Posting"]):
    def current(self) -> "PostingQuerySet":
        """Open postings: not ended."""
        return self.filter(end_date__isnull=True)

    def at(self, school: School | int) -> "PostingQuerySet":
        return self.filter(school=school)

    def on(self, day: datetime.date) -> "PostingQuerySet":
        """Postings in force on the day: started on or before it, not ended before it (the
        end date is the last day at the school)."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Posting(models.Model):
    employee_code = models.CharField(
        _("employee code"), max_length=32, validators=[employee_code_validator]
    )
    name = models.CharField(_("name"), max_length=150)
    designation = models.CharField(_("designation"), max_length=100)
    school = models.ForeignKey(
        School, models.PROTECT, related_name="postings", verbose_name=_("school")
    )
    mobile = models.CharField(_("mobile"), max_length=10, blank=True, validators=[mobile_validator])
    start_date = models.DateField(_("start date"))
    # The last day at the school; empty while the posting is current.
    end_date = models.DateField(_("end date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("reason for the posting"), blank=True)
    ended_reason = models.TextField(_("reason for ending"), blank=True)
    # Null for a posting imported by a command on the server.
    created_by = models.ForeignKey(
        User,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    # Who changed what and when; the change reason says why (a typed reason, or the import).
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["school", "name"]
        constraints = [
            # One open posting per employee: a transfer ends the old one first.
            models.UniqueConstraint(
                fields=["employee_code"],
                condition=Q(end_date__isnull=True),
                name="posting_one_open_per_employee",
                violation_error_message=_("This employee already has a current posting."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="posting_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [
            models.Index(fields=["school", "end_date"]),
            models.Index(fields=["employee_code", "start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.employee_code} {self.name} at {self.school_id}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None

    @property
    def ended_reason_shown(self) -> str:
        return reason_shown(self.ended_reason)
