from typing import Any

from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ApiToken, Department, Role, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "kind", "parent", "manager", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "name_en")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "department", "is_active")
    list_filter = ("department", "roles", "is_active")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Manyi", {"fields": ("department", "roles", "phone", "language")}),
    )
    filter_horizontal = ("roles", "groups", "user_permissions")
    actions = ("unlock_login",)

    @admin.action(description=gettext_lazy("Unlock log-in (forget failed log-ins)"))
    def unlock_login(self, request: Any, queryset: Any) -> None:
        """The user names' failed log-ins are forgotten (AccessAttempt rows deleted); an
        address locked out is unlocked under Axes → access attempts, or `manyi axes_reset_ip`."""
        count = sum(axes_reset(username=user.get_username()) for user in queryset)
        self.message_user(
            request,
            _("Log-in unlocked for %(users)d users (%(attempts)d failed log-in records removed).")
            % {"users": queryset.count(), "attempts": count},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"
    )
    list_filter = ("revoked_at", "expires_at")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
