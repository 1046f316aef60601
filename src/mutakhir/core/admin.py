"""The personal-data access log in the admin: read-only, for audit."""

from django.contrib import admin

from .models import PersonalDataAccess


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "operator", "action", "object_type", "object_id", "fields", "reason", "client")
    list_filter = ("action", "object_type")
    search_fields = ("=user__username", "=operator", "=object_id")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
