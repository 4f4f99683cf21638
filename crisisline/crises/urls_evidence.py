"""Evidence pages (views_evidence.py), included at the root by crisisline/urls.py. A file is named by its
random token; the access check in the view is what protects it."""

from django.urls import path

from crisisline.crises import views_evidence

urlpatterns = [
    path("crises/<str:reference>/evidence", views_evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<str:token>", views_evidence.evidence_file, name="evidence"),
]
