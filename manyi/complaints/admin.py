from django.contrib import admin

from manyi.customers.admin import ReadOnlyRecordAdmin

from .models import Accountability, Complaint, ComplaintMeeting, RemedyProposal


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyRecordAdmin):
    list_display = ("number", "customer", "channel", "severity", "state", "received_at", "due_at")
    search_fields = ("number", "customer__name", "description")
    list_filter = ("state", "severity", "channel", "content_category")


@admin.register(RemedyProposal)
class RemedyProposalAdmin(ReadOnlyRecordAdmin):
    list_display = ("complaint", "number", "kind", "amount", "status")


@admin.register(ComplaintMeeting)
class ComplaintMeetingAdmin(ReadOnlyRecordAdmin):
    list_display = ("complaint", "held_at")


@admin.register(Accountability)
class AccountabilityAdmin(ReadOnlyRecordAdmin):
    list_display = ("complaint", "failure_type", "responsible_department", "measure",
                    "rectification_deadline", "rectified_on")
