from django.contrib import admin

from hazari.registers.models import Enrolment


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["school", "academic_year", "class_no", "boys", "girls", "third_gender"]
    list_filter = ["academic_year", "class_no"]
    raw_id_fields = ["school"]
