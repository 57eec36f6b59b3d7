"""Bearer tokens of the phone app: `Authorization: Bearer <token>` from POST /api/v1/auth/token.

A live token (not expired, not revoked, its user active) authenticates the request as its
user: request.auth and request.user are both the user, so the scope functions work as they do
for a logged-in web page, and request.api_token is the token itself.
"""

from django.http import HttpRequest
from ninja.security import HttpBearer

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


token_auth = TokenAuth()
