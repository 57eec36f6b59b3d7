"""Writes to accounts: creating users, and the three ways a password changes."""

import logging
import secrets
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hazari.accounts.models import (
    AccountEvent,
    ApiToken,
    PasswordResetCode,
    User,
    normalize_user_id,
)
from hazari.accounts.roles import may_reset_password, may_revoke_tokens
from hazari.lib import prepared
from hazari.lib.i18n import in_both_languages
from hazari.lib.sms import SmsError, send_sms
from hazari.orgunits.models import OrgUnit

log = logging.getLogger(__name__)

# Letters and digits that cannot be mistaken for one another when read out over the phone.
_TEMP_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class ResetError(Exception):
    """A reset that did not go through; the message is safe to show to anyone."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


@transaction.atomic
def user_create(
    *,
    username: str,
    name: str,
    role: str,
    unit: OrgUnit,
    mobile: str = "",
    password: str | None = None,
) -> User:
    user = User(
        username=normalize_user_id(username), name=name, role=role, unit=unit, mobile=mobile
    )
    user.full_clean(exclude=["password"])
    user.set_password(password)
    user.save()
    return user


def _sms_text(message: str, **params: object) -> str:
    """An SMS goes out in Hindi and English: the phone may show either script badly."""
    return " / ".join(in_both_languages(message, **params))


def reset_code_send(*, user_id: str, request: HttpRequest | None = None) -> None:
    """Send a one-time code to the user's mobile, if the ID is known and has one.

    The caller answers the same way whatever happens here, so that the reset form cannot be
    used to find out which IDs exist.
    """
    user = User.objects.filter(username=normalize_user_id(user_id), is_active=True).first()
    if user is None or not user.mobile:
        return
    now = timezone.now()
    with transaction.atomic():
        # Lock the user row: two simultaneous requests must not both pass the hourly limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        sent_last_hour = user.reset_codes.filter(created__gt=now - timedelta(hours=1)).count()
        if sent_last_hour >= settings.PASSWORD_RESET_MAX_CODES_PER_HOUR:
            log.info("reset code throttled for user %s", user.pk)
            return
        # A new code replaces any earlier one still live.
        user.reset_codes.live().update(used_at=now)
        code = PasswordResetCode.new_code()
        PasswordResetCode.objects.create(
            user=user,
            code_hash=PasswordResetCode.hash(code),
            created=now,
            expires_at=now + timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES),
        )
        AccountEvent.objects.create(
            user=user, kind=AccountEvent.Kind.RESET_CODE_SENT, ip_address=client_ip(request)
        )
    text = _sms_text(
        gettext_noop(
            "Hazari password reset code: %(code)s. Valid for %(minutes)s minutes. Do not share it."
        ),
        code=code,
        minutes=settings.PASSWORD_RESET_CODE_MINUTES,
    )
    try:
        send_sms(user.mobile, text)
    except SmsError:
        log.exception("could not send the reset code SMS for user %s", user.pk)


def password_reset_with_code(
    *, user_id: str, code: str, new_password: str, request: HttpRequest
) -> User:
    """Set a new password when the code is right. Wrong codes count towards django-axes'
    lock-out for this user ID and IP, as failed log-ins do."""
    user_id = normalize_user_id(user_id)
    credentials = {"username": user_id}
    wrong = ResetError(
        "wrong_code", _("The user ID or the code is wrong, or the code has expired.")
    )
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise ResetError("locked", _("Too many wrong attempts. Try again after some time."))

    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=user_id, is_active=True).first()
        reset_code = user.reset_codes.live().order_by("-created").first() if user else None
        if user is None or reset_code is None or not reset_code.matches(code):
            if reset_code is not None:
                reset_code.attempts += 1
                if reset_code.attempts >= settings.PASSWORD_RESET_MAX_ATTEMPTS:
                    reset_code.used_at = timezone.now()  # burnt: guessing must start over
                reset_code.save(update_fields=["attempts", "used_at"])
            failed = True
        else:
            failed = False
            # Validate before spending the code, so a weak password can be retried with it.
            validate_password(new_password, user)
            reset_code.used_at = timezone.now()
            reset_code.save(update_fields=["used_at"])
            user.set_password(new_password)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password"])
            AccountEvent.objects.create(
                user=user, kind=AccountEvent.Kind.RESET_BY_CODE, ip_address=client_ip(request)
            )
            _end_app_logins(user, user)
    if failed or user is None:
        # Outside the transaction: the attempt count above must stick even though we raise.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        raise wrong
    return user


def temporary_password() -> str:
    return "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(10))


def password_reset_by_officer(
    *, actor: User, target: User, request: HttpRequest | None = None
) -> str:
    """Give the target a temporary password, which they must change at their next log-in.
    Returns it so the officer can read it out; it is also sent to the user's mobile."""
    if not may_reset_password(actor, target):
        raise PermissionError("not allowed to reset this user's password")
    password = temporary_password()
    with transaction.atomic():
        target.set_password(password)
        target.must_change_password = True
        target.save(update_fields=["password", "must_change_password"])
        target.reset_codes.live().update(used_at=timezone.now())
        AccountEvent.objects.create(
            user=target,
            actor=actor,
            kind=AccountEvent.Kind.RESET_BY_OFFICER,
            ip_address=client_ip(request),
        )
        _end_app_logins(target, actor)
    if target.mobile:
        text = _sms_text(
            gettext_noop(
                "Your Hazari password was reset by %(officer)s. Temporary password: %(password)s. "
                "Change it when you log in."
            ),
            officer=actor.name,
            password=password,
        )
        try:
            send_sms(target.mobile, text)
        except SmsError:
            log.exception("could not send the temporary password SMS for user %s", target.pk)
    return password


def password_change(*, user: User, new_password: str, request: HttpRequest | None = None) -> None:
    validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        AccountEvent.objects.create(
            user=user, kind=AccountEvent.Kind.PASSWORD_CHANGED, ip_address=client_ip(request)
        )
        _end_app_logins(user, user)


__all__ = [
    "ResetError",
    "ValidationError",
    "password_change",
    "password_reset_by_officer",
    "password_reset_with_code",
    "reset_code_send",
    "user_create",
]


# --- App log-ins (API tokens) -------------------------------------------------------------

# last_used_at is written at most this often per token: not one write per request.
TOKEN_TOUCH_EVERY = timedelta(minutes=5)
# Longer than any token we issue; a longer bearer value is not even hashed.
TOKEN_MAX_LENGTH = 100


def token_issue(*, user: User, device_id: str = "") -> tuple[str, ApiToken]:
    """A new app log-in for the user. Returns the raw token, which is shown once (to the app)
    and never stored, and the stored row."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        key_hash=ApiToken.hash(raw),
        device_id=(device_id or "")[:64],
        created=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return raw, token


def token_user(*, raw: str) -> ApiToken | None:
    """The live token with this value, with its user and the user's unit; None when the token
    is unknown, expired, revoked or its user deactivated.

    Every call of the app comes through here, so this is one query written out (ORM
    compilation was a fifth of an upload's time). What the API uses is loaded: the token's
    device; the user's ID, name, role and state; the unit's place in the tree and names. Any
    other field loads when first read."""
    if not raw or len(raw) > TOKEN_MAX_LENGTH:
        return None
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    touch_on_pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        params = [adapt(now - TOKEN_TOUCH_EVERY), ApiToken.hash(raw), adapt(now)]
        if touch_on_pg:  # the same statement writes last_used_at when due
            prepared.execute(cursor, "hazari_token", _token_sql(touch=True), [*params, adapt(now)])
        else:
            cursor.execute(_token_sql(touch=False), params)
        row = cursor.fetchone()
    if row is None or not row[_USER_AT + _USER_FIELDS.index("is_active")]:
        return None
    db = connection.alias
    token = ApiToken.from_db(db, _TOKEN_FIELDS, row[:_STALE_AT])
    user = User.from_db(db, _USER_FIELDS, [*row[_USER_AT:_UNIT_AT]])
    user.is_active = True
    if user.unit_id is not None:
        unit = OrgUnit.from_db(db, _UNIT_FIELDS, row[_UNIT_AT:])
        unit.is_active = bool(unit.is_active)  # SQLite gives 0 or 1
        user.unit = unit
    token.user = user
    if row[_STALE_AT]:
        if not touch_on_pg:
            with connection.cursor() as cursor:
                cursor.execute(_touch_sql(), [adapt(now), token.pk])
        token.last_used_at = now
    return token


_TOKEN_FIELDS = ["id", "user_id", "device_id"]
_USER_FIELDS = ["id", "username", "name", "role", "unit_id", "is_active"]
_UNIT_FIELDS = [
    "id",
    "level",
    "code",
    "name_en",
    "name_hi",
    "state_id",
    "district_id",
    "block_id",
    "cluster_id",
    "is_active",
]
_STALE_AT = len(_TOKEN_FIELDS)
_USER_AT = _STALE_AT + 1
_UNIT_AT = _USER_AT + len(_USER_FIELDS)
_TOKEN_SQL: dict[str, str] = {}


def _token_sql(*, touch: bool) -> str:
    """The token, whether its last use is older than TOKEN_TOUCH_EVERY, its user and unit.
    With touch (PostgreSQL: a data-modifying CTE), the same statement writes last_used_at
    when due; a deactivated user's token is not touched."""
    key = f"{connection.vendor}:{touch}"
    sql = _TOKEN_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name

        def columns(alias: str, model: type[models.Model], names: list[str]) -> str:
            meta = model._meta
            # Each named apart (t_id, u_id…): the CTE below refers to them.
            return ", ".join(
                f"{alias}.{quote(meta.get_field(n).column)} AS {alias}_{n}"  # type: ignore[union-attr,arg-type]
                for n in names
            )

        token_table = quote(ApiToken._meta.db_table)
        sql = (
            f"SELECT {columns('t', ApiToken, _TOKEN_FIELDS)}, "  # noqa: S608 (model names)
            "CASE WHEN t.last_used_at IS NULL OR t.last_used_at <= %s THEN 1 ELSE 0 END "
            f"AS stale, {columns('u', User, _USER_FIELDS)}, "
            f"{columns('o', OrgUnit, _UNIT_FIELDS)} "
            f"FROM {token_table} t "
            f"JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id "
            f"LEFT JOIN {quote(OrgUnit._meta.db_table)} o ON o.id = u.unit_id "
            "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s"
        )
        if touch:
            sql = (
                f"WITH found AS ({sql}), touched AS (UPDATE {token_table} SET "  # noqa: S608
                "last_used_at = %s FROM found WHERE "
                f"{token_table}.id = found.t_id AND found.stale = 1 AND found.u_is_active) "
                "SELECT * FROM found"
            )
        _TOKEN_SQL[key] = sql
    return sql


def _touch_sql() -> str:
    quote = connection.ops.quote_name
    return f"UPDATE {quote(ApiToken._meta.db_table)} SET last_used_at = %s WHERE id = %s"  # noqa: S608


def token_revoke(*, token: ApiToken, actor: User | None = None) -> None:
    """End one app log-in (the app's own log-out). Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = actor or token.user
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=token.revoked_at, revoked_by=token.revoked_by
    )


def _end_app_logins(user: User, actor: User) -> None:
    """A new password ends every app log-in made with the old one, as Django ends the other
    web sessions: a phone that was lost or shared must log in again."""
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


def tokens_revoke_for(*, actor: User, target: User) -> int:
    """End every live app log-in of the target: by the user themselves (a lost phone) or by an
    officer above them. Returns how many were ended."""
    if not may_revoke_tokens(actor, target):
        raise PermissionError("not allowed to revoke this user's app log-ins")
    return ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )


__all__ += ["token_issue", "token_revoke", "token_user", "tokens_revoke_for"]
