from django.urls import path

from crisisline.messaging.providers.android import views

urlpatterns = [
    path("", views.webhook, name="android_webhook"),
]
