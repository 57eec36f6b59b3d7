"""The phone app's API in the access matrix (see accounts/tests/test_access_matrix.py).

The sync endpoints take a bearer token only: their entries carry {"auth": "token"}, and the
matrix logs the person in with a token instead of a session. An upload for a school outside
the user's area is answered 200 with a rejected receipt, not 403/404, so it is not in the
matrix: hazari/api/tests/test_sync.py checks that it stores nothing.
"""

from hazari.accounts import scope
from hazari.accounts.models import ApiToken, User
from hazari.accounts.services import token_issue


def _outside_token_holder(world, who):
    """A user outside the area with a live app log-in, so that a missing check would show."""
    target = User.objects.exclude(pk__in=scope.users_for(who)).order_by("pk").first()
    if target is not None and not ApiToken.objects.live().filter(user=target).exists():
        token_issue(user=target, device_id="matrix-target")
    return target


TOKEN = {"auth": "token"}

ENDPOINTS = [
    ("get", "/api/v1/sync/bootstrap?school_id={pk}", "school", None, TOKEN),
    ("post", "/api/v1/users/{pk}/tokens/revoke", "token_holder", {}, TOKEN),
    ("post", "/api/v1/users/{pk}/tokens/revoke", "token_holder", {}),  # from a web session
]
TARGETS = {"token_holder": _outside_token_holder}


def snapshot():
    return list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at", "revoked_by"))
