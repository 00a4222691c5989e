"""Email sign-in. Wrong guesses are throttled by `allied.accounts.throttle`."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Authenticates by email, case-insensitively."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        from allied.accounts.models import User

        email = (email or username or "").strip()
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            # Spend the same time hashing as for a real account.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
