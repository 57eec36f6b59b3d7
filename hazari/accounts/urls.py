from django.contrib.auth.views import LogoutView
from django.urls import path

from hazari.accounts import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/confirm/", views.password_reset_confirm, name="password_reset_confirm"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/reset-password/", views.user_reset_password, name="user_reset_password"),
]
