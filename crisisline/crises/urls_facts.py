"""Incident details pages (views_facts.py), included at the root by crisisline/urls.py. A field is named by
its code (facts.py), never by a value: nothing identifying is in these addresses."""

from django.urls import path

from crisisline.crises import views_facts

urlpatterns = [
    path("crises/<str:reference>/details", views_facts.details_edit, name="crisis_details"),
    path(
        "crises/<str:reference>/details/<str:field>/history",
        views_facts.details_history,
        name="crisis_detail_history",
    ),
]
