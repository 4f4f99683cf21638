"""The people app's pages, under /accounts/ (crisisline/urls.py). A plain list: each part adds its routes."""

from django.urls import path

from crisisline.people import views

urlpatterns = [
    path("login/", views.sign_in_page, name="login"),
    path("logout/", views.sign_out_page, name="logout"),
    path("second-factor/", views.second_factor_verify, name="second_factor_verify"),
    path("second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
]
