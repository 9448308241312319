"""The APL-foyer maxima of the residences' conventions (W7), for platform operators: a value read on a convention
is confirmed here; a row is never deleted (a later value is a row for a later year)."""

from django.contrib import admin

from . import services
from .models import AplMaximum


@admin.register(AplMaximum)
class AplMaximumAdmin(admin.ModelAdmin):
    list_display = ["residence", "typology", "year", "amount", "status"]
    list_filter = ["status", "typology", "year"]
    search_fields = ["residence__name"]
    readonly_fields = ["organisation", "changed_by", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.apl_maximum_save(actor=request.user, maximum=obj)
