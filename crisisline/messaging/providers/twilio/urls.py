"""Twilio's webhooks, under /hooks/twilio/ (messaging/urls.py). The status and voice paths are the ones
services._outbound hands to the transport (status_url, voice_url)."""

from django.urls import path

from crisisline.messaging.providers.twilio import views

urlpatterns = [
    path("sms/", views.sms, name="twilio_sms"),
    path("status/", views.status, name="twilio_status"),
    path("call/", views.incoming_call, name="twilio_call"),
    path("voice/<str:token>/", views.voice_script, name="twilio_voice"),
    path("voice/<str:token>/key/", views.voice_key, name="twilio_voice_key"),
]
