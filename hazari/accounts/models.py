import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from hazari.accounts.roles import ROLE_LEVELS, Role, role_fits_level
from hazari.orgunits.models import Level, OrgUnit, mobile_validator

user_id_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9._-]{2,31}$",
    _("A user ID has 3 to 32 letters, digits, dots, dashes or underscores."),
)


def normalize_user_id(value: str) -> str:
    """User IDs are employee codes or UDISE codes: case and stray spaces do not matter."""
    return (value or "").strip().upper()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(username=normalize_user_id(username or ""))

    def create_user(self, username: str, password: str | None = None, **fields) -> "User":
        user = self.model(username=normalize_user_id(username), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("role", Role.STATE_ADMIN)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("user ID"),
        max_length=32,
        unique=True,
        validators=[user_id_validator],
        help_text=_("Employee code, or the school's UDISE code for a school account."),
    )
    name = models.CharField(_("name"), max_length=150)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True, validators=[mobile_validator])
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Null only for a technical superuser who works in the admin site, never in the app.
    unit = models.ForeignKey(
        OrgUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("org unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"

    def clean(self) -> None:
        super().clean()
        self.username = normalize_user_id(self.username)
        if self.unit is not None and not role_fits_level(self.role, self.unit.level):
            levels = ", ".join(str(Level(lv).label) for lv in sorted(ROLE_LEVELS[self.role]))
            raise ValidationError(
                {
                    "unit": _("A %(role)s belongs to a unit of level: %(levels)s.")
                    % {"role": self.get_role_display(), "levels": levels}
                }
            )


class ResetCodeQuerySet(models.QuerySet["PasswordResetCode"]):
    def live(self) -> "ResetCodeQuerySet":
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class PasswordResetCode(models.Model):
    """A one-time code sent by SMS. Only a keyed hash is stored: a database dump reveals no
    usable code."""

    user = models.ForeignKey(User, models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    objects = ResetCodeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "created"])]

    def __str__(self) -> str:
        return f"reset code for user {self.user_id} at {self.created:%Y-%m-%d %H:%M}"

    @staticmethod
    def hash(code: str) -> str:
        return salted_hmac("hazari.password-reset", code, algorithm="sha256").hexdigest()

    @staticmethod
    def new_code() -> str:
        return f"{secrets.randbelow(1_000_000):06d}"

    def matches(self, code: str) -> bool:
        return constant_time_compare(self.code_hash, self.hash(code.strip()))


class AccountEvent(models.Model):
    """The audit trail of what happened to an account and who did it."""

    class Kind(models.TextChoices):
        RESET_CODE_SENT = "reset_code_sent", _("reset code sent")
        RESET_BY_CODE = "reset_by_code", _("password reset with a code")
        RESET_BY_OFFICER = "reset_by_officer", _("password reset by an officer")
        PASSWORD_CHANGED = "password_changed", _("password changed")

    user = models.ForeignKey(User, models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id} at {self.created:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A log-in of the phone app. The app holds the token; only its SHA-256 is stored, so a
    database dump reveals no usable token (the token is 256 random bits: no salt needed)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    device_id = models.CharField(_("device"), max_length=64, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The user themselves, or the officer who revoked it.
    revoked_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    # Updated at most every few minutes: not a write per request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("app log-in")
        verbose_name_plural = _("app log-ins")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"app token {self.pk} of user {self.user_id}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
