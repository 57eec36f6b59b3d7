from django.urls import path

from hazari.imports import views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/<uuid:pk>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:pk>/apply/", views.import_apply, name="import_apply"),
    path(
        "imports/<uuid:pk>/rejected-rows.csv", views.import_problems_csv, name="import_problems_csv"
    ),
    path("imports/sample/<str:kind>.csv", views.import_sample, name="import_sample"),
]
