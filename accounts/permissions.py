from rest_framework.permissions import BasePermission, DjangoModelPermissions

from .tenancy import user_organization


class OrganizationRolePermission(DjangoModelPermissions):
    """API access: a member of an organization, with the role's permission for the model and method.

    Reading needs the view permission too (DRF's default lets any authenticated user read).
    """

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not user.is_superuser and user_organization(user) is None:
            return False
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return True  # non-model endpoints decide for themselves
        if getattr(view, "action", "") is None or request.method.lower() not in view.http_method_names:
            return True  # a method this endpoint does not have: let DRF answer 405, not 403
        return super().has_permission(request, view)


def has_perm(perm: str) -> type[BasePermission]:
    """A permission class for an action that needs one specific permission of the caller's role."""

    class HasPermission(BasePermission):
        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and request.user.has_perm(perm))

    return HasPermission
