"""Departments, roles and users (SPEC §1)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    MANAGEMENT = "management", _("Management")
    SALES = "sales", _("Marketing / sales")
    CUSTOMER_SERVICE = "customer_service", _("Customer service")
    QUALITY = "quality", _("Quality")
    ENGINEERING = "engineering", _("Engineering")
    PRODUCTION = "production", _("Production")
    PURCHASING = "purchasing", _("Purchasing")
    FINANCE = "finance", _("Finance")
    OFFICE = "office", _("Office")
    LEGAL = "legal", _("Legal")
    REGION = "region", _("Region")
    BRANCH_OFFICE = "branch_office", _("Branch office")
    BUSINESS_UNIT = "business_unit", _("Business unit")


class Department(models.Model):
    """部门: seeded with the departments the procedures name, editable in the admin."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=DepartmentKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ("kind", "code")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Role(models.Model):
    """角色: what a user may do follows from roles and department (see accounts.permissions)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ("code",)

    def __str__(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    # per-request caches of manyi.accounts.permissions (not columns)
    _manyi_roles: set[str]
    _manyi_depts: set[int]
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username


class ApiTokenState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("API token", "active")
    REVOKED = "revoked", pgettext_lazy("API token", "revoked")
    EXPIRED = "expired", pgettext_lazy("API token", "expired")


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens that authenticate now: not revoked, not expired, of an active user."""
        now = timezone.now()
        return self.filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now),
            revoked_at__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """API token: only its SHA-256 digest is stored; the key is shown once at creation.
    A token authenticates until it is revoked (revoked_at) or expires (expires_at)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, default="api")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @revoked.setter
    def revoked(self, value: bool) -> None:
        if not value:
            self.revoked_at = None
        elif self.revoked_at is None:
            self.revoked_at = timezone.now()

    @property
    def state(self) -> ApiTokenState:
        if self.revoked_at is not None:
            return ApiTokenState.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return ApiTokenState.EXPIRED
        return ApiTokenState.ACTIVE
