"""The crisis pages (views.py), included at the root by crisisline/urls.py.

A crisis is named by its reference (C-7K3P): short, random, and no identity in it, so it may be in a URL."""

from django.urls import path

from crisisline.crises import views

urlpatterns = [
    path("board", views.my_board, name="crisis_my_board"),
    path("teams/<str:code>/board", views.board_page, name="crisis_board"),
    path("teams/<str:code>/crises/new", views.intake, name="crisis_new"),
    path("crises/<str:reference>", views.crisis_page, name="crisis"),
    path("crises/<str:reference>/identity", views.identity_show, name="crisis_identity"),
    path("crises/<str:reference>/steps/<int:step_id>/done", views.step_done, name="crisis_step_done"),
    path(
        "crises/<str:reference>/steps/<int:step_id>/not-applicable",
        views.step_skip,
        name="crisis_step_not_applicable",
    ),
    path("crises/<str:reference>/timeline", views.timeline_entry_add, name="crisis_timeline_add"),
    path("crises/<str:reference>/assign", views.assign, name="crisis_assign"),
    path("crises/<str:reference>/status", views.status_change, name="crisis_status"),
    path("crises/<str:reference>/close", views.close, name="crisis_close"),
    path("crises/<str:reference>/reopen", views.reopen, name="crisis_reopen"),
    path("crises/<str:reference>/follow-up", views.follow_up, name="crisis_follow_up"),
    path("crises/<str:reference>/consent", views.consent, name="crisis_consent"),
    path("crises/<str:reference>/break-glass", views.break_glass, name="crisis_break_glass"),
    path("break-glass/<int:pk>/review", views.break_glass_reviewed, name="crisis_break_glass_review"),
]
