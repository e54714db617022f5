from django.contrib import admin

from .models import Identity, RoleMapping


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    list_display = ["group", "provider", "role", "organisation", "area"]
    list_filter = ["provider", "role", "organisation"]
    search_fields = ["group"]
    raw_id_fields = ["area"]


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "subject", "last_login"]
    list_filter = ["provider"]
    readonly_fields = ["user", "provider", "subject", "groups", "last_login"]
