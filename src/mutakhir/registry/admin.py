"""Admin pages for households and members: read-only, limited to the staff account's region, NIK/KK masked.

Registry changes go through imports and services, which record a reason in the history; the admin only looks.
"""

from django.contrib import admin

from mutakhir.core.models import PersonalDataAccess

from .display import mask_id
from .models import Household, Member


class RegistryAdmin(admin.ModelAdmin):
    """Read-only and region-scoped, like every other way into the registry."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None:
            PersonalDataAccess.record(request, PersonalDataAccess.Action.VIEW, obj, fields="admin")
        return response


@admin.register(Household)
class HouseholdAdmin(RegistryAdmin):
    list_display = ("household_id", "region", "ended_at")
    list_select_related = ("region",)
    search_fields = ("=household_id",)
    raw_id_fields = ("region", "update_period")


@admin.register(Member)
class MemberAdmin(RegistryAdmin):
    list_display = ("record_id", "name", "masked_nik", "masked_kk", "household", "ended_at")
    list_select_related = ("household",)
    search_fields = ("=record_id", "=nik", "=kk")
    exclude = ("nik", "kk")
    readonly_fields = ("masked_nik", "masked_kk")
    raw_id_fields = ("household",)

    @admin.display(description="NIK")
    def masked_nik(self, obj):
        return mask_id(obj.nik)

    @admin.display(description="KK")
    def masked_kk(self, obj):
        return mask_id(obj.kk)
