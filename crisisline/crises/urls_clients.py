"""A client's page and the person's rights (views_clients.py), included at the root by crisisline/urls.py.

A client is named by its code (K-4F7Q9): random, no identity in it, so it may be in a URL."""

from django.urls import path

from crisisline.crises import views_clients

urlpatterns = [
    path("clients/<str:code>", views_clients.client_page, name="client"),
    path("clients/<str:code>/download", views_clients.client_download, name="client_download"),
    path("clients/<str:code>/details", views_clients.client_details_show, name="client_details"),
    path("clients/<str:code>/correct", views_clients.client_correct_page, name="client_correct"),
    path("clients/<str:code>/erase", views_clients.client_erase_page, name="client_erase"),
]
