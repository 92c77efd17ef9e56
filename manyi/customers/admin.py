from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Contact, Customer, ImportJob, Order, Product, ProductLine


@admin.register(ProductLine)
class ProductLineAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "business_unit")


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Quality records are edited through the application (audit trail, permissions);
    the admin shows them read-only and never deletes them."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Customer)
class CustomerAdmin(ReadOnlyRecordAdmin):
    list_display = ("code", "name", "branch_office", "business_unit", "status", "archived_at")
    search_fields = ("code", "name")
    list_filter = ("business_unit", "status", "key_account")


@admin.register(Contact)
class ContactAdmin(ReadOnlyRecordAdmin):
    list_display = ("name", "customer", "function", "decision_class")
    search_fields = ("name", "customer__name")


@admin.register(Order)
class OrderAdmin(ReadOnlyRecordAdmin):
    list_display = ("number", "customer", "order_date", "product", "quantity")
    search_fields = ("number", "batch_number")


@admin.register(Product)
class ProductAdmin(ReadOnlyRecordAdmin):
    list_display = ("model", "name", "product_line")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyRecordAdmin):
    list_display = ("kind", "original_name", "status", "processed", "total", "started_by")
