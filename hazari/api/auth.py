"""How the API knows its caller: the phone app's bearer token, or the web pages' session.

Bearer tokens of the phone app: `Authorization: Bearer <token>` from POST /api/v1/auth/token.
A live token (not expired, not revoked, its user active) authenticates the request as its
user: request.auth and request.user are both the user, so the scope functions work as they do
for a logged-in web page, and request.api_token is the token itself.
"""

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from hazari.accounts.models import User
from hazari.accounts.services import token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_user(raw=token.strip())
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionAuth(NinjaSessionAuth):
    """The web pages' session, its CSRF token checked for a request the session logs in.

    ninja's own checks the CSRF token first, of every request: a POST without a live session
    (a phone whose token has expired) was 403, "not allowed", where it is 401, "log in first".
    Without a logged-in session there is nothing for a forged request to use, so nothing to
    check.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if not request.user.is_authenticated:
            return None
        exempt = getattr(request, "_ninja_csrf_exempt", False)
        if self.csrf and not exempt and check_csrf(request):
            raise HttpError(403, "CSRF check Failed")
        return request.user


token_auth = TokenAuth()
session_auth = SessionAuth()
