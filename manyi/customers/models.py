"""Customer archive (顾客档案, SPEC §2): customers, contacts, products, orders/deliveries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from manyi.accounts.models import Department, DepartmentKind
from manyi.common.models import QualityRecord
from manyi.common.validators import text_max


class CustomerLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    OTHER = "other", _("Other")


class CustomerClass(models.TextChoices):
    A = "A", _("Class A")
    B = "B", _("Class B")
    C = "C", _("Class C")


class CustomerKind(models.TextChoices):
    DIRECT = "direct", _("Direct customer")
    DEALER = "dealer", _("Dealer")
    AGENT = "agent", _("Agent")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost")


class ContactFunction(models.TextChoices):
    GM = "gm", _("General manager")
    PRODUCT_MANAGER = "product_manager", _("Product manager / coordinator")
    QUALITY = "quality", _("Quality / inspection")
    PURCHASING = "purchasing", _("Sourcing / purchasing")
    MARKETING = "marketing", _("Marketing / product planning")
    USER = "user", _("User")


class DecisionClass(models.TextChoices):
    A = "A", _("A – decides on buying")
    B = "B", _("B – takes part")
    C = "C", _("C – uses")


class ProductLine(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    business_unit = models.ForeignKey(
        Department,
        verbose_name=_("business unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DepartmentKind.BUSINESS_UNIT},
        related_name="product_lines",
    )

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name


class Product(QualityRecord):
    model = models.CharField(_("model"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        related_name="products",
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("model",)

    def __str__(self) -> str:
        return f"{self.model} {self.name}"


class Customer(QualityRecord):
    """顾客."""

    code = models.CharField(_("customer code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=CustomerKind.choices, default=CustomerKind.DIRECT
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    region = models.ForeignKey(
        Department,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DepartmentKind.REGION},
        related_name="region_customers",
    )
    branch_office = models.ForeignKey(
        Department,
        verbose_name=_("branch office"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DepartmentKind.BRANCH_OFFICE},
        related_name="office_customers",
    )
    business_unit = models.ForeignKey(
        Department,
        verbose_name=_("business unit"),
        on_delete=models.PROTECT,
        limit_choices_to={"kind": DepartmentKind.BUSINESS_UNIT},
        related_name="bu_customers",
    )
    level = models.CharField(
        _("level"), max_length=12, choices=CustomerLevel.choices, default=CustomerLevel.OTHER
    )
    customer_class = models.CharField(
        _("class"), max_length=2, choices=CustomerClass.choices, default=CustomerClass.B
    )
    key_account = models.BooleanField(_("key account"), default=False)
    annual_revenue = models.DecimalField(
        _("annual revenue (CNY)"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    dealer = models.ForeignKey(
        "self",
        verbose_name=_("dealer / agent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dealer_customers",
    )
    product_lines = models.ManyToManyField(
        ProductLine, verbose_name=_("product lines bought"), blank=True, related_name="customers"
    )
    competitors = models.CharField(_("competitor relationships"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[text_max()])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ("code",)
        indexes = [
            models.Index(fields=["branch_office", "code"]),
            models.Index(fields=["business_unit", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contact(QualityRecord):
    """顾客联系人."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    function = models.CharField(_("function"), max_length=20, choices=ContactFunction.choices)
    decision_class = models.CharField(
        _("decision class"), max_length=1, choices=DecisionClass.choices, default=DecisionClass.B
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("customer", "name")

    def __str__(self) -> str:
        return self.name


def order_date_problems(
    order_date: dt.date | None, promised: dt.date | None, delivered: dt.date | None
) -> dict[str, str]:
    """An order's dates in their order: promised and delivered on or after the order date.
    The one rule for the pages, the API (Order.clean through the services) and the import."""
    errors: dict[str, str] = {}
    if order_date is None:
        return errors
    if promised is not None and promised < order_date:
        errors["promised_date"] = _(
            "The promised delivery date (%(promised)s) is before the order date (%(ordered)s)."
        ) % {"promised": promised.isoformat(), "ordered": order_date.isoformat()}
    if delivered is not None and delivered < order_date:
        errors["delivered_date"] = _(
            "The actual delivery date (%(delivered)s) is before the order date (%(ordered)s)."
        ) % {"delivered": delivered.isoformat(), "ordered": order_date.isoformat()}
    return errors


class Order(QualityRecord):
    """订单/交付: one delivery of one product batch to a customer."""

    number = models.CharField(_("order number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="orders"
    )
    order_date = models.DateField(_("order date"), db_index=True)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="orders"
    )
    batch_number = models.CharField(_("batch number"), max_length=60, blank=True, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    promised_date = models.DateField(_("promised delivery date"))
    delivered_date = models.DateField(_("actual delivery date"), null=True, blank=True)
    split_delivery = models.BooleanField(_("split delivery"), default=False)
    extra_freight = models.DecimalField(
        _("extra freight (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    defects = models.PositiveIntegerField(_("defects found"), default=0)
    returned = models.PositiveIntegerField(_("returned / exchanged"), default=0)

    class Meta:
        verbose_name = _("order / delivery")
        verbose_name_plural = _("orders / deliveries")
        ordering = ("-order_date", "-id")
        indexes = [models.Index(fields=["customer", "-order_date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(defects__lte=models.F("quantity")),
                name="order_defects_le_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(returned__lte=models.F("quantity")),
                name="order_returned_le_quantity",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        errors = order_date_problems(self.order_date, self.promised_date, self.delivered_date)
        if errors:
            raise ValidationError(errors)

    @property
    def on_time(self) -> bool | None:
        if self.delivered_date is None:
            return None
        return self.delivered_date <= self.promised_date


class TransferKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    CONTACTS = "contacts", _("Contacts")
    ORDERS = "orders", _("Orders")


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Rejected: bad rows, nothing imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An import started from the UI, run as a background task with progress."""

    kind = models.CharField(_("what"), max_length=12, choices=TransferKind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    started_by = models.ForeignKey(
        "accounts.User", verbose_name=_("started by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def percent(self) -> int:
        return int(self.processed * 100 / self.total) if self.total else 0
