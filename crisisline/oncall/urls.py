from django.urls import path

from crisisline.oncall import views, views_policies

urlpatterns = [
    path("p/<str:token>", views.page_link, name="page_link"),
    path("oncall/alerts", views.alerts, name="oncall_alerts"),
    path("teams/<str:code>/escalation", views_policies.policies, name="oncall_policies"),
    path("teams/<str:code>/escalation/new", views_policies.policy_edit, name="oncall_policy_new"),
    path("teams/<str:code>/escalation/<int:pk>", views_policies.policy_edit, name="oncall_policy_edit"),
    path(
        "teams/<str:code>/escalation/<int:pk>/remove",
        views_policies.policy_remove,
        name="oncall_policy_remove",
    ),
]
