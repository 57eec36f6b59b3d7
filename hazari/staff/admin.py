from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hazari.staff.models import Posting


@admin.register(Posting)
class PostingAdmin(SimpleHistoryAdmin):
    list_display = [
        "employee_code",
        "name",
        "designation",
        "school",
        "start_date",
        "end_date",
        "source",
    ]
    list_filter = ["source", "end_date"]
    search_fields = ["employee_code", "name", "school__unit__code"]
    raw_id_fields = ["school", "created_by"]
    list_select_related = ["school__unit"]
    history_list_display = ["end_date", "ended_reason"]
