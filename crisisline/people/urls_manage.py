"""People management, one's own account and the invitation link (views in views_manage.py).

A person's pages are under people/person/<username>/, so that no username (even "invite") can hide a page."""

from django.urls import path

from crisisline.people import views_manage as views

urlpatterns = [
    path("people/", views.people, name="people_list"),
    path("people/invite/", views.person_invite_view, name="people_invite"),
    path("people/person/<str:username>/", views.person_detail, name="people_person"),
    path("people/person/<str:username>/roles/", views.person_role_grant, name="people_role_grant"),
    path(
        "people/person/<str:username>/roles/<int:role_id>/remove/",
        views.person_role_revoke,
        name="people_role_revoke",
    ),
    path("people/person/<str:username>/active/", views.person_active, name="people_active"),
    path("people/person/<str:username>/invitation/", views.person_invitation_renew, name="people_invitation"),
    path(
        "people/person/<str:username>/second-factor/reset/",
        views.person_second_factor_reset,
        name="people_second_factor_reset",
    ),
    path("account/", views.account, name="account_home"),
    path("account/tokens/", views.account_token_create, name="account_token_create"),
    path("account/tokens/<str:prefix>/revoke/", views.account_token_revoke, name="account_token_revoke"),
    path("account/data/", views.account_data, name="account_data"),
    path("invite/<str:code>", views.invitation_accept_view, name="invitation_accept"),
]
