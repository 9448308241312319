"""The Django admin is for the platform's operators (superusers) only; staff use Habiter's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .models import AuditEvent, LegalParameter, Organisation, Team, User


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
    actions = ["reset_second_factor"]
    readonly_fields = ["mfa_confirmed_at"]
    list_display = ["username", "first_name", "last_name", "organisation", "team", "role", "is_active"]
    list_filter = ["organisation", "role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Habiter", {"fields": ["organisation", "team", "role", "mfa_confirmed_at"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("Habiter", {"fields": ["organisation", "team", "role"]}),
    ]

    @admin.action(description=_("Réinitialiser la double authentification (téléphone perdu)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.otp_reset(actor=request.user, user_id=user.pk)
        self.message_user(
            request,
            ngettext(
                "Double authentification réinitialisée pour %(count)d compte.",
                "Double authentification réinitialisée pour %(count)d comptes.",
                len(queryset),
            )
            % {"count": len(queryset)},
        )


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


@admin.register(LegalParameter)
class LegalParameterAdmin(admin.ModelAdmin):
    """The dated legal parameters (DOMAIN.md §10): operators change an UNCONFIRMED value or add the period of a
    new rule; a row is never deleted, so past computations stay explainable."""

    list_display = ["key", "territory", "value", "valid_from", "valid_to", "status", "rule"]
    list_filter = ["status", "territory", "rule"]
    search_fields = ["key", "label"]
    readonly_fields = ["changed_by", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.legal_parameter_save(actor=request.user, parameter=obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class CheckedForm(form):
            """Refuse, on the form, a row that would overlap another period of the same key."""

            def clean(self):
                data = super().clean()
                from .legal import LegalParameters

                candidate = self.instance
                for field, value in data.items():
                    setattr(candidate, field, value)
                others = LegalParameter.objects.exclude(pk=candidate.pk)
                try:
                    LegalParameters([*others, candidate])
                except ValueError as error:
                    raise ValidationError(str(error)) from None
                return data

        return CheckedForm
