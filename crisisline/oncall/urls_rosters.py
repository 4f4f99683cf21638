"""The roster pages (views_rosters.py), included at the root by crisisline/urls.py."""

from django.urls import path

from crisisline.oncall import views_rosters as views

urlpatterns = [
    path("oncall/rota", views.my_oncall, name="oncall_mine"),
    path("oncall/calendar/<str:secret>.ics", views.calendar, name="oncall_calendar"),
    path("teams/<str:code>/oncall", views.team_oncall, name="oncall_team"),
    path("teams/<str:code>/oncall/rotations/new", views.rotation_new, name="oncall_rotation_new"),
    path("teams/<str:code>/oncall/rotations/<int:pk>/edit", views.rotation_edit, name="oncall_rotation_edit"),
    path(
        "teams/<str:code>/oncall/rotations/<int:pk>/delete",
        views.rotation_remove,
        name="oncall_rotation_delete",
    ),
    path("teams/<str:code>/oncall/rotations/<int:pk>/swap", views.rotation_swap, name="oncall_rotation_swap"),
    path("teams/<str:code>/oncall/overrides/new", views.override_new, name="oncall_override_new"),
    path(
        "teams/<str:code>/oncall/overrides/<int:pk>/cancel",
        views.override_remove,
        name="oncall_override_cancel",
    ),
    path("teams/<str:code>/oncall/feeds", views.feed_new, name="oncall_feed_new"),
    path("teams/<str:code>/oncall/feeds/<int:pk>/revoke", views.feed_revoke, name="oncall_feed_revoke"),
]
