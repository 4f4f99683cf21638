from django.urls import path

from crisisline.messaging.providers.http import views

urlpatterns = [
    path("<str:secret>/sms", views.sms, name="http_sms"),
    path("<str:secret>/status", views.status, name="http_status"),
]
