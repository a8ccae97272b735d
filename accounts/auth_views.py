"""Password reset by email: Django's own views; setting a new password also ends a login lockout."""

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Whoever proved they own the address may log in with the new password at once: the failed logins
    counted against the old one (django-axes) are cleared for this username."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
