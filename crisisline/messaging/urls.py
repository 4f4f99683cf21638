"""Webhooks, one folder a provider: /hooks/<provider>/..."""

from django.urls import include, path

urlpatterns = [
    path("twilio/", include("crisisline.messaging.providers.twilio.urls")),
    path("exotel/", include("crisisline.messaging.providers.exotel.urls")),
    path("android/", include("crisisline.messaging.providers.android.urls")),
    path("http/", include("crisisline.messaging.providers.http.urls")),
]
