from django.urls import path

from hazari.staff import views

urlpatterns = [
    path("schools/<int:pk>/staff/", views.staff_list, name="staff_list"),
    path("schools/<int:pk>/staff/add/", views.staff_add, name="staff_add"),
    path("schools/<int:pk>/staff/history/", views.staff_history, name="staff_history"),
    path("postings/<int:pk>/end/", views.posting_end, name="posting_end"),
]
