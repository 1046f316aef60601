"""Staff accounts in the admin: role and region on the add and change forms, checked by the model's clean().

Both forms are model forms, so `User.clean()` refuses a region of another level than the role's before the
database's check constraint would (accounts/models.py).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User

ROLE_FIELDS = (_("Role and region"), {"fields": ("role", "region")})


@admin.register(User)
class AccountAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ROLE_FIELDS)
    add_fieldsets = (*UserAdmin.add_fieldsets, ROLE_FIELDS)
    list_display = ("username", "first_name", "last_name", "role", "region", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    raw_id_fields = ("region",)  # 80,000 villages: the region is typed as its code, not picked from a list
