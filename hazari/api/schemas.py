import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from hazari.lib.i18n import in_both_languages


class UnitOut(Schema):
    id: int
    level: int
    level_name: str
    code: str
    name_en: str
    name_hi: str
    parent_id: int | None


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_name: str
    unit: UnitOut | None


class ErrorOut(Schema):
    code: str
    message_en: str
    message_hi: str

    @classmethod
    def of(cls, code: str, message: str, **params: object) -> "ErrorOut":
        """An error with a message marked by gettext_noop, in both languages: the app shows
        the user's choice."""
        hindi, english = in_both_languages(message, **params)
        return cls(code=code, message_en=english, message_hi=hindi)


# --- Errors -------------------------------------------------------------------------------
# Request-level errors (ErrorOut, and ValidationErrorOut for 422) are answered for the whole
# request. Problems with one capture's content come back in that capture's receipt instead
# (ReceiptOut.errors); see docs/decisions.md, "Sync API".


class FieldErrorOut(Schema):
    field: str = Field(description='Where, as a path: "captures[0].classes[2].boys".')
    loc: list[str | int]
    msg: str = Field(description="The reason, in English (for the app's developers).")
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


# --- Limits of the sync API ---------------------------------------------------------------

# A batch of student-wise roll calls carries every child's register id (~8 bytes a child):
# 50 captures of a school of 2,000 children fit.
MAX_BODY_BYTES = 1024 * 1024
MAX_CAPTURES_PER_BATCH = 50
MAX_UUIDS_PER_QUERY = 500
MAX_COUNT = 10_000  # students of one gender in one class
MAX_ID = 2**63 - 1
# Device clocks outside these years are not a clock error but garbage.
EARLIEST = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


# The schema says the years allowed with a pattern: the year as written, whatever the offset.
# The whole date (and time) is spelled out, as "format" says it, so that a generator drawing
# from the pattern (a client's tests, the fuzz: test_fuzz.py) draws dates.
_DATE = r"(19[7-9][0-9]|20[0-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = rf"^{_DATE}$"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?"
_OFFSET = r"([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])"
DATE_TIME_PATTERN = rf"^{_DATE}[Tt]{_TIME}{_OFFSET}$"


def _aware(value: datetime.datetime) -> datetime.datetime:
    """A time without an offset is India time; every time is kept in India time, so that the
    same instant written as 05:00Z or 10:30+05:30 makes the same capture. The year is judged
    as written (the schema's pattern can say no more)."""
    if not EARLIEST.year <= value.year < LATEST.year:
        raise ValueError("must lie between 1970 and 2099")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return timezone.localtime(value)


def _text(value: object) -> object:
    """Dates and times come as ISO 8601 text: a bare number would be read as seconds since
    1970 — or milliseconds, depending on its size."""
    if not isinstance(value, str):
        raise ValueError("must be ISO 8601 text, like 2026-07-15 or 2026-07-15T10:30:00+05:30")
    return value


# The schemas say the years with a pattern, so that a client (and the fuzz) knows them.
DeviceTime = Annotated[
    datetime.datetime,
    BeforeValidator(_text),
    AfterValidator(_aware),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_PATTERN}),
]


def _in_range(value: datetime.date) -> datetime.date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError("must lie between 1970 and 2099")
    return value


Day = Annotated[
    datetime.date,
    BeforeValidator(_text),
    AfterValidator(_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]


def _storable(value: str) -> str:
    """Text a database can store: no NUL (PostgreSQL refuses it) and no lone surrogate (JSON
    may escape one, \\ud800, but it is no character and cannot be encoded)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


# The schema says "no NUL" (a lone surrogate cannot be written in a JSON Schema pattern).
Text = Annotated[
    str,
    AfterValidator(_storable),
    Field(json_schema_extra={"pattern": r"^[^\x00]*$"}),
]


def _number(value: object) -> object:
    """A count or an ID is a number: pydantic would read true and false as 1 and 0."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


Int = Annotated[int, BeforeValidator(_number)]


# --- Log-in -------------------------------------------------------------------------------


class TokenIn(Schema):
    user_id: Text = Field(max_length=64, description="Employee code or the school's UDISE code.")
    password: Text = Field(max_length=256)
    device_id: Text = Field("", max_length=64, description="The app's own ID for this install.")


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_name: str
    unit: UnitOut | None


class TokenOut(Schema):
    token: str = Field(description="Send it as `Authorization: Bearer <token>` on every call.")
    expires_at: datetime.datetime
    user: UserOut
    school_id: int | None = Field(description="The user's school (head master, teacher).")


class RevokedOut(Schema):
    revoked: int = Field(description="How many live app log-ins were ended.")


# --- Bootstrap ----------------------------------------------------------------------------


class SchoolOut(Schema):
    id: int
    udise: str
    name_en: str
    name_hi: str
    category: int
    classes: list[int]
    start_time: str = Field(description="HH:MM, India time.")


class EnrolledClassOut(Schema):
    class_no: int
    boys: int
    girls: int
    third_gender: int


class StaffOut(Schema):
    posting_id: int
    employee_code: str
    name: str
    designation: str
    start_date: datetime.date
    end_date: datetime.date | None = Field(
        description="The last day at the school. Mark, for a day D, every posting with "
        "start_date ≤ D ≤ end_date (no end date: still posted)."
    )


class CalendarDayOut(Schema):
    date: datetime.date
    open: bool
    reason: str = Field(description="open, working_day, outside_session, weekly_off or closure.")
    kind: str | None = Field(description="The closure's kind, when a closure shuts the school.")
    label_en: str
    label_hi: str
    note: str = Field(description="The reason typed for the closure or working day.")
    start_time: str = Field(
        description="HH:MM, the school's start that day: its own, or a seasonal timetable's."
    )


class RulesOut(Schema):
    opens_at: str
    on_time_until: str
    on_time_minutes: int
    day_closes_at: str
    max_offline_days: int
    max_clock_skew_minutes: int
    wrong_clock: str
    meals_over_present: str
    after_close: str = Field(
        description="held or late: a capture received after the day's cut-off."
    )


class LimitsOut(Schema):
    max_captures_per_batch: int
    max_body_bytes: int
    max_uuids_per_query: int
    max_count: int
    max_reason_length: int
    meal_classes: list[int]


class MealReasonOut(Schema):
    code: str
    name_hi: str
    name_en: str


class RollCallOut(Schema):
    mode: Literal["counts", "students"] = Field(
        description="counts: numbers per class and gender; students: a roll call of `students`."
    )
    late_and_left_early: bool = Field(description="Whether a roll call marks these too.")


class StudentOut(Schema):
    id: int = Field(description="The register id a roll call marks.")
    student_id: str = Field(description="The state's student ID (e.g. Samagra).")
    name: str
    gender: Literal["M", "F", "T"]
    class_no: int
    section: str
    since: datetime.date | None = Field(description="On this roll from (empty: long since).")
    until: datetime.date | None = Field(
        description="On this roll until (empty: still). The roll of day D has every entry with "
        "since ≤ D ≤ until; a child who moved class that week has an entry for each."
    )


class RegisterOut(Schema):
    classes: dict[str, str] = Field(
        description="{class: hash of its part of the register}. Send them back as `have` "
        "(`1:3f2a…,2:91bc…`) to be sent only the classes that changed."
    )
    partial: bool = Field(
        description="True when `have` was sent: `students` then holds only the classes whose "
        "hash differs from the phone's; replace those classes and drop any class not in "
        "`classes`."
    )


class BootstrapOut(Schema):
    version: str = Field(description="Changes whenever anything else here changes.")
    server_time: datetime.datetime
    today: datetime.date
    academic_year: int
    school: SchoolOut
    classes: list[EnrolledClassOut]
    staff: list[StaffOut]
    calendar: list[CalendarDayOut]
    rules: RulesOut
    limits: LimitsOut
    meal_reasons: list[MealReasonOut] = Field(
        description="Why a school may serve no mid-day meal, for captures' meals_reason."
    )
    roll_call: RollCallOut
    students: list[StudentOut] = Field(
        description="The register from the oldest day an offline capture may be for to today: "
        "empty unless the school takes a student-wise roll call. With `have`, only the classes "
        "that changed."
    )
    student_register: RegisterOut


# --- Upload and receipts ------------------------------------------------------------------


class ClassCountIn(Schema):
    class_no: Int = Field(ge=1, le=12)
    boys: Int = Field(ge=0, le=MAX_COUNT)
    girls: Int = Field(ge=0, le=MAX_COUNT)
    third_gender: Int = Field(0, ge=0, le=MAX_COUNT)


class StaffMarkIn(Schema):
    posting_id: Int = Field(ge=1, le=MAX_ID)
    status: Literal["P", "A", "L", "D"] = Field(
        description="Present, absent, on leave, on official duty."
    )


# The largest roll call a capture may carry (a school of 3,000 children is very large).
MAX_ROLL = 3000
StudentIds = list[Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_number)]]


class RollIn(Schema):
    """A student-wise roll call: every child on the day's roll once, by register id."""

    present: StudentIds = Field(max_length=MAX_ROLL)
    absent: StudentIds = Field(max_length=MAX_ROLL)
    late: StudentIds = Field(
        default_factory=list, max_length=MAX_ROLL, description="Came late: counts as present."
    )
    left_early: StudentIds = Field(
        default_factory=list, max_length=MAX_ROLL, description="Left early: counts as present."
    )


MealReason = Literal["no_grain", "no_cook", "no_fuel_funds", "local_holiday", "other"]


class CaptureItemIn(Schema):
    uuid: UUID = Field(description="Made by the app when the capture is saved; never reused.")
    school_id: Int = Field(ge=1, le=MAX_ID)
    date: Day
    captured_at: DeviceTime = Field(description="When it was saved, by the phone's clock.")
    classes: list[ClassCountIn] = Field(max_length=12)
    staff: list[StaffMarkIn] = Field(max_length=500)
    # The bounds before the validator: after it, pydantic would write them into the schema as
    # "ge" and "le", which JSON Schema does not know.
    meals_served: (
        Annotated[int, Field(ge=0, le=MAX_COUNT * 12), BeforeValidator(_number)] | None
    ) = Field(
        None,
        description="Mid-day meals served (schools with classes 1–8); 0 with meals_reason "
        "when none was served.",
    )
    meals_reason: (
        Literal["no_grain", "no_cook", "no_fuel_funds", "local_holiday", "other"] | None
    ) = Field(None, description="Why no meal was served; the bootstrap lists the reasons.")
    meals_note: Text = Field("", max_length=200, description="Required for reason `other`.")
    reason: Text = Field("", max_length=300, description="Required for a correction.")
    roll: RollIn | None = Field(
        None,
        description="A student-wise roll call. Then `classes` is empty: the server derives "
        "the counts per class and gender from the marks and its register of that day.",
    )


class UploadIn(Schema):
    sent_at: DeviceTime = Field(description="When the app sent this request, by its clock.")
    device_id: Text = Field("", max_length=64)
    captures: list[CaptureItemIn] = Field(max_length=MAX_CAPTURES_PER_BATCH)


class ProblemOut(Schema):
    field: str
    code: str
    message_hi: str
    message_en: str


class ReceiptOut(Schema):
    uuid: UUID
    status: Literal["accepted", "late", "held", "rejected", "unknown"]
    code: str
    message_hi: str
    message_en: str
    version: int | None = Field(None, description="The day's version this capture made.")
    errors: list[ProblemOut] = Field(default_factory=list)


class UploadOut(Schema):
    server_time: datetime.datetime
    clock_offset_seconds: int = Field(description="Server time − sent_at, as measured now.")
    receipts: list[ReceiptOut]


class SingleCaptureIn(CaptureItemIn):
    sent_at: DeviceTime
    device_id: Text = Field("", max_length=64)


class ReceiptsIn(Schema):
    uuids: list[UUID] = Field(max_length=MAX_UUIDS_PER_QUERY)


class ReceiptsOut(Schema):
    server_time: datetime.datetime
    receipts: list[ReceiptOut]
