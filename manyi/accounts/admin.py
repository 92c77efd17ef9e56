from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("digest", "prefix", "created_at", "last_used_at")
