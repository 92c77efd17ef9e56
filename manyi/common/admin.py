from django.contrib import admin

from .models import CompanyClosure


@admin.register(CompanyClosure)
class CompanyClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "working", "reason")
    list_filter = ("working",)
    date_hierarchy = "date"
