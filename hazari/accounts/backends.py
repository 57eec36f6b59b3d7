from django.contrib.auth.backends import ModelBackend

from hazari.accounts.models import User


class UserWithUnitBackend(ModelBackend):
    """Django's ModelBackend, loading the user's unit with the user on every request: nearly
    every page asks for it (the access layer, the header's links), and one query is cheaper
    than two."""

    def get_user(self, user_id: int) -> User | None:
        try:
            user = User._default_manager.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
