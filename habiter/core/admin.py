"""The Django admin is for the platform's operators (superusers) only; staff use Habiter's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEvent, Organisation, Team, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]


@admin.register(User)
class HabiterUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "team", "role", "is_active"]
    list_filter = ["organisation", "role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Habiter", {"fields": ["organisation", "team", "role"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("Habiter", {"fields": ["organisation", "team", "role"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the journal is never changed."""

    list_display = ["created_at", "organisation", "actor", "action", "object_type", "household_id", "ip"]
    list_filter = ["organisation", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
