from django.contrib import admin

from hazari.orgunits.models import OrgUnit, School


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_hi", "level", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name_en", "name_hi"]
    raw_id_fields = ["state", "district", "block", "cluster"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["unit", "category", "start_time", "hm_mobile"]
    list_filter = ["category"]
    search_fields = ["unit__code", "unit__name_en"]
    raw_id_fields = ["unit"]
