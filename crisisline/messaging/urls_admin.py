"""Messaging pages: the texts administrators check, and the channels a person is paged on."""

from django.urls import path

from crisisline.messaging import views_admin, views_channels

urlpatterns = [
    path("messaging/templates", views_admin.templates, name="messaging_templates"),
    path("account/channels/", views_channels.channels, name="account_channels"),
    path("account/channels/<int:pk>/remove", views_channels.channel_remove, name="account_channel_remove"),
    path("account/channels/<int:pk>/up", views_channels.channel_up, name="account_channel_up"),
    path("account/channels/<int:pk>/test", views_channels.channel_test, name="account_channel_test"),
    path("people/person/<str:username>/channels/", views_channels.channels, name="person_channels"),
    path(
        "people/person/<str:username>/channels/<int:pk>/remove",
        views_channels.channel_remove,
        name="person_channel_remove",
    ),
    path(
        "people/person/<str:username>/channels/<int:pk>/up",
        views_channels.channel_up,
        name="person_channel_up",
    ),
    path(
        "people/person/<str:username>/channels/<int:pk>/test",
        views_channels.channel_test,
        name="person_channel_test",
    ),
]
