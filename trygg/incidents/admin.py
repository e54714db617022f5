"""The themes, categories, police event types and Brå crime types in the admin (staff with the model permissions,
and superusers). A slug is stored on incidents, goals and reports: it is set when a row is added
and never changed. A theme or category still in use cannot be deleted."""

from django.apps import apps
from django.contrib import admin
from django.db import models

from .models import BraCrimeType, Category, PoliceEventType, Theme


class _SlugSetOnce(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each checked for use
        return actions


@admin.register(Theme)
class ThemeAdmin(_SlugSetOnce):
    list_display = ["slug", "name_sv", "name_en", "order"]
    list_editable = ["order"]
    search_fields = ["slug", "name_sv", "name_en"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and theme_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Category)
class CategoryAdmin(_SlugSetOnce):
    list_display = ["slug", "name_sv", "name_en", "theme", "counted", "est_order", "order"]
    list_filter = ["theme", "counted"]
    search_fields = ["slug", "name_sv", "name_en"]
    list_select_related = ["theme"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and category_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PoliceEventType)
class PoliceEventTypeAdmin(admin.ModelAdmin):
    list_display = ["event_type", "category"]
    list_filter = ["category__theme"]
    search_fields = ["event_type", "category__slug", "category__name_sv", "category__name_en"]
    list_select_related = ["category"]
    autocomplete_fields = ["category"]


@admin.register(BraCrimeType)
class BraCrimeTypeAdmin(_SlugSetOnce):
    list_display = ["slug", "name_sv", "name_en", "theme", "order"]
    list_filter = ["theme"]
    search_fields = ["slug", "name_sv", "name_en"]
    list_select_related = ["theme"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _slug_in_use("crime_type", obj.slug):
            return False
        return super().has_delete_permission(request, obj)


def _slug_in_use(field_name: str, slug: str) -> bool:
    """Any row of any model with a text field ``field_name`` (incidents, Brå statistics, goals,
    problems, conferences …) holds ``slug``."""
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == field_name), None)
        if isinstance(field, models.CharField) and model._default_manager.filter(**{field_name: slug}).exists():
            return True
    return False


def category_in_use(category: Category) -> bool:
    """Police event types or any row (incidents, goals) have the category."""
    return category.police_event_types.exists() or _slug_in_use("category", category.slug)


def theme_in_use(theme: Theme) -> bool:
    """Categories, Brå crime types or any row (incidents, Brå statistics, goals, problems,
    conferences) have the theme."""
    return theme.categories.exists() or theme.bra_crime_types.exists() or _slug_in_use("theme", theme.slug)

