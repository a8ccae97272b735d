from django.contrib.auth.backends import BaseBackend, ModelBackend

from .roles import ROLE_PERMISSIONS


class RolePermissionBackend(BaseBackend):
    """Grants the permissions of the user's role in their organization (see ``accounts.roles``).

    It authenticates nobody; ModelBackend does that. Object-level scoping is ``tenancy.scoped``'s job.
    """

    def get_user(self, user_id):
        # Listed first in AUTHENTICATION_BACKENDS, this is the backend a session made by force_login names.
        return ModelBackend().get_user(user_id)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        membership = getattr(user_obj, "membership", None)
        return set(ROLE_PERMISSIONS.get(membership.role, ())) if membership else set()

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        # The admin index lists an app only when this says the user has some permission in it.
        return any(perm.startswith(app_label + ".") for perm in self.get_all_permissions(user_obj))
