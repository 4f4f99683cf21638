from django.urls import path

from crisisline.messaging import views_admin

urlpatterns = [
    path("messaging/templates", views_admin.templates, name="messaging_templates"),
]
