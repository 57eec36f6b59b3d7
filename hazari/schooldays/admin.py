from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hazari.schooldays.models import AcademicSession, Closure, Timetable, WorkingDay


@admin.register(AcademicSession)
class AcademicSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "start", "end", "weekly_off"]
    list_filter = ["weekly_off"]
    raw_id_fields = ["state"]


@admin.register(Closure)
class ClosureAdmin(SimpleHistoryAdmin):
    list_display = ["start", "end", "kind", "reason", "unit", "created_by", "created"]
    list_filter = ["kind", "unit__level"]
    search_fields = ["reason", "unit__code", "unit__name_en"]
    date_hierarchy = "start"
    raw_id_fields = ["unit", "created_by"]
    list_select_related = ["unit", "created_by"]


@admin.register(WorkingDay)
class WorkingDayAdmin(SimpleHistoryAdmin):
    list_display = ["day", "reason", "unit", "created_by", "created"]
    search_fields = ["reason", "unit__code", "unit__name_en"]
    date_hierarchy = "day"
    raw_id_fields = ["unit", "created_by"]
    list_select_related = ["unit", "created_by"]


@admin.register(Timetable)
class TimetableAdmin(SimpleHistoryAdmin):
    list_display = ["start", "end", "starts_at", "reason", "unit", "created_by", "created"]
    search_fields = ["reason", "unit__code", "unit__name_en"]
    date_hierarchy = "start"
    raw_id_fields = ["unit", "created_by"]
    list_select_related = ["unit", "created_by"]
