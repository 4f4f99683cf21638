"""Exotel's webhooks, under /hooks/exotel/ (messaging/urls.py). Exotel cannot sign, so each path starts
with the webhook secret (views.py); the transport builds the status URL with it, and the URLs for the
dashboard's flows are listed in docs/messaging.md."""

from django.urls import path

from crisisline.messaging.providers.exotel import views

urlpatterns = [
    path("<str:secret>/sms/", views.sms, name="exotel_sms"),
    path("<str:secret>/status/", views.status, name="exotel_status"),
    path("<str:secret>/missed-call/", views.missed_call, name="exotel_missed_call"),
    path("<str:secret>/voice/", views.voice_text, name="exotel_voice"),
    path("<str:secret>/voice/key/", views.voice_key, name="exotel_voice_key"),
]
