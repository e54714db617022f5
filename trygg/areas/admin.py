from django.contrib import admin

from .models import Area, LocalPoliceArea, Municipality, Population


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "area_km2"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    exclude = ["geometry"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat", "centroid_lon", "centroid_lat"]
    raw_id_fields = ["parent"]


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ["area", "year", "age_band", "count", "source"]
    list_filter = ["year", "age_band"]
    search_fields = ["area__name", "area__code"]
    raw_id_fields = ["area"]


@admin.register(LocalPoliceArea)
class LocalPoliceAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organisation"]
    filter_horizontal = ["areas"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """A municipality's configuration (``trygg setup municipality`` loads it from a file)."""

    list_display = ["code", "name", "city_organisation", "police_organisation", "district_level"]
    search_fields = ["code", "name"]
