"""Attendance on the web: a school's day (the form, its versions), and the officers' review of
held versions (approve or dismiss).

The form goes through the same capture service as the phones (hazari.attendance.services),
with device "web" and the server's clock; the service records the user's role on the version,
so an officer entering for a school is told apart from the school's own staff.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hazari.accounts import scope
from hazari.accounts.roles import Role, is_officer, may_enter_attendance, may_review_attendance
from hazari.attendance import review
from hazari.attendance.forms import AttendanceForm, ReviewForm, count_field, staff_field
from hazari.attendance.models import Capture, DayRecord, Status, Version
from hazari.attendance.rules import Rules, rules_for, window_for
from hazari.attendance.services import MEAL_CLASSES, Receipt, capture_submit
from hazari.lib.http import AuthedRequest
from hazari.orgunits.models import School
from hazari.registers.models import academic_year_of
from hazari.registers.selectors import enrolment_table
from hazari.schooldays.days import day_status
from hazari.schooldays.timetables import start_time_on

DEVICE = "web"
HELD_PER_PAGE = 50


def _hindi() -> bool:
    return (get_language() or "hi").startswith("hi")


def _receipt_text(receipt: Receipt) -> str:
    return receipt.message_hi if _hindi() and receipt.message_hi else receipt.message_en


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


@dataclass(frozen=True)
class VersionRow:
    version: Version
    role: str
    is_current: bool
    clock_offset_minutes: int | None


@dataclass(frozen=True)
class Window:
    """The times of the day's rules, to show beside the form."""

    on_time_from: datetime.time
    on_time_until: datetime.time
    closes_at: datetime.time

    @classmethod
    def of(cls, rules: Rules, school: School, day: datetime.date) -> "Window":
        window = window_for(rules, start_time_on(school, day), day)
        return cls(
            on_time_from=timezone.localtime(window.opens).time(),
            on_time_until=timezone.localtime(window.on_time_until).time(),
            closes_at=timezone.localtime(window.closes).time(),
        )


def _day_url(school: School, day: datetime.date, today: datetime.date) -> str:
    url = reverse("attendance_day", args=[school.pk])
    return url if day == today else f"{url}?{urlencode({'date': day.isoformat()})}"


def _chosen_day(request: AuthedRequest, today: datetime.date, earliest: datetime.date):
    """The day asked for with ?date=, today without it; None if it is not a day that can be
    shown (not a date, in the future, or older than the days a capture may take to arrive)."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        return None
    return day if earliest <= day <= today else None


def _initial(current: Version | None) -> dict:
    """A correction starts from the current version's figures."""
    if current is None:
        return {}
    initial: dict = {"meals_served": current.meals_served}
    for c in current.classes.all():
        initial[count_field(c.class_no, "boys")] = c.boys
        initial[count_field(c.class_no, "girls")] = c.girls
        initial[count_field(c.class_no, "third_gender")] = c.third_gender
    for s in current.staff.all():
        initial[staff_field(s.posting_id)] = s.status
    return initial


def _double_click(
    form: AttendanceForm, *, user, school: School, day: datetime.date
) -> Receipt | None:
    """The receipt of the capture this form already sent, if the user clicked save twice.

    The web form's capture time is the server's time of the click, so a second click (after
    the first, or racing it) sends the same ID with another captured_at, which the service
    answers as a conflict. If the stored capture is this user's, for this school, and has the
    same content but for the time, it is the same capture: answer with its receipt."""
    stored = (
        Capture.objects.select_related("version")
        .filter(pk=form.cleaned_data["capture_id"], school=school, submitted_by=user)
        .first()
    )
    if stored is None:
        return None
    again = form.capture_in(school_id=school.pk, day=day, captured_at=stored.captured_at)
    return Receipt.of_capture(stored) if again.content_hash() == stored.content_hash else None


@login_required
def attendance_day(request: AuthedRequest, pk: int) -> HttpResponse:
    """A school's attendance for a day: GET shows the form, the day's status and versions;
    POST submits a capture (today only: the service judges the time)."""
    user = request.user
    school = scope.school_for(user, pk)
    rules = rules_for(school)
    now = timezone.now()
    today = timezone.localdate(now)
    earliest = today - datetime.timedelta(days=rules.max_offline_days)
    day = _chosen_day(request, today, earliest)
    if day is None:
        messages.error(
            request,
            _("Attendance can be seen for the days from %(start)s to %(end)s.")
            % {"start": earliest.strftime("%d-%m-%Y"), "end": today.strftime("%d-%m-%Y")},
        )
        return redirect("attendance_day", pk=school.pk)

    record = (
        DayRecord.objects.filter(school=school, date=day)
        .select_related("current__submitted_by")
        .first()
    )
    current = record.current if record is not None else None
    enrolment = enrolment_table(school, academic_year_of(day)).rows
    postings = list(scope.postings_for(user).at(school).on(day).order_by("name", "pk"))
    meals = any(c in MEAL_CLASSES for c in school.classes)

    may_enter = may_enter_attendance(user)
    if request.method == "POST" and not may_enter:
        raise PermissionDenied
    if request.method == "POST":
        form = AttendanceForm(request.POST, enrolment=enrolment, postings=postings, meals=meals)
        if form.is_valid():
            receipt = capture_submit(
                user=user,
                data=form.capture_in(school_id=school.pk, day=day, captured_at=now),
                received_at=now,
                device_id=DEVICE,
            )
            if receipt.code == "conflict":
                receipt = _double_click(form, user=user, school=school, day=day) or receipt
            text = _receipt_text(receipt)
            if receipt.status == Status.HELD:
                messages.warning(
                    request,
                    _(
                        "Attendance saved as version %(number)s, but held for an officer's "
                        "review: %(receipt)s It counts only once an officer approves it."
                    )
                    % {"number": receipt.version, "receipt": text},
                )
                return redirect(_day_url(school, day, today))
            if receipt.status != Status.REJECTED:
                messages.success(
                    request,
                    _("Attendance saved as version %(number)s. %(receipt)s")
                    % {"number": receipt.version, "receipt": text},
                )
                return redirect(_day_url(school, day, today))
            if receipt.code == "invalid":
                form.add_receipt_errors(receipt.errors, hindi=_hindi())
            elif receipt.code == "reason_required":
                form.add_error("reason", text)
            elif receipt.code == "meals_over_present" and "meals_served" in form.fields:
                form.add_error("meals_served", text)
            messages.error(request, text)
    else:
        form = AttendanceForm(
            initial=_initial(current), enrolment=enrolment, postings=postings, meals=meals
        )

    status = day_status(school, day)
    versions = []
    if record is not None:
        for v in record.versions.select_related("submitted_by", "reviewed_by", "capture").order_by(
            "-number"
        ):
            capture = getattr(v, "capture", None)
            versions.append(
                VersionRow(
                    version=v,
                    role=role_label(v.role),
                    is_current=v.pk == record.current_id,
                    clock_offset_minutes=abs(round(capture.clock_offset / 60))
                    if capture is not None
                    else None,
                )
            )
    window = Window.of(rules, school, day)
    closed_for_today = day == today and timezone.localtime(now).time() >= window.closes_at
    ctx = {
        "school": school,
        "day": day,
        "today": today,
        "days": [
            (d, _day_url(school, d, today))
            for d in (
                earliest + datetime.timedelta(days=i) for i in range((today - earliest).days + 1)
            )
        ],
        "status": status,
        "record": record,
        "current": current,
        "current_role": role_label(current.role) if current is not None else "",
        "versions": versions,
        "has_held": any(
            r.version.status == Status.HELD and r.version.reviewed_by_id is None for r in versions
        ),
        "form": form,
        "show_form": may_enter and day == today and status.open and not closed_for_today,
        "closed_for_today": closed_for_today,
        "window": window,
        "officer_role": role_label(user.role) if is_officer(user) else "",
        "may_review": may_review_attendance(user),
        # A new ID each time the form is shown: a rejected capture keeps its own.
        "capture_id": uuid.uuid4(),
    }
    return render(request, "attendance/day.html", ctx)


@login_required
def held_list(request: AuthedRequest) -> HttpResponse:
    """Held versions of the officer's area, waiting for a review."""
    if not may_review_attendance(request.user):
        raise PermissionDenied
    page = Paginator(review.held_for(request.user), HELD_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    offline_days: dict[int, int] = {}
    rows = []
    for v in page:
        capture = getattr(v, "capture", None)
        school = v.record.school
        if school.pk not in offline_days:
            offline_days[school.pk] = rules_for(school).max_offline_days
        # The school's day page goes back only as far as a capture may take to arrive.
        shown = (today - v.record.date).days <= offline_days[school.pk]
        rows.append(
            {
                "version": v,
                "day_url": _day_url(school, v.record.date, today) if shown else "",
                "role": role_label(v.role),
                "clock_offset_minutes": abs(round(capture.clock_offset / 60)) if capture else None,
                "why": (capture.message_hi if _hindi() else capture.message_en) if capture else "",
                "own": v.submitted_by_id == request.user.pk,
            }
        )
    ctx = {"page": page, "rows": rows, "form": ReviewForm()}
    return render(request, "attendance/held.html", ctx)


def _review(request: AuthedRequest, pk: int, decide, done: str) -> HttpResponse:
    """Approve or dismiss a held version: the same checks, form and messages for both."""
    version = review.version_for(request.user, pk)
    if not may_review_attendance(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("attendance_held")
    try:
        decide(actor=request.user, version=version, note=form.cleaned_data["note"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        record = version.record
        messages.success(
            request,
            done
            % {
                "number": version.number,
                "school": record.school.unit.name,
                "day": record.date.strftime("%d-%m-%Y"),
            },
        )
    return redirect("attendance_held")


@login_required
@require_POST
def version_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        review.version_approve,
        _("Version %(number)s is now the attendance of %(school)s for %(day)s."),
    )


@login_required
@require_POST
def version_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    return _review(
        request,
        pk,
        review.version_dismiss,
        _("Version %(number)s of %(school)s for %(day)s is dismissed: it does not count."),
    )
