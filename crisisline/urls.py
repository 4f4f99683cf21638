from django.urls import include, path
from django.views.i18n import set_language

from crisisline.api.urls import api
from crisisline.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("states/<str:code>/", views.state_detail, name="state"),
    path("teams/<str:code>/", views.team_detail, name="team"),
    path("accounts/", include("crisisline.people.urls")),  # sign-in, sign-out, the second step
    path("exit", views.quick_exit, name="quick_exit"),
    path("language", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("", include("crisisline.people.urls_manage")),
    path("", include("crisisline.crises.urls")),  # intake, the team board, the crisis pages
    path("", include("crisisline.crises.urls_evidence")),  # adding evidence to a crisis, opening it
    path("", include("crisisline.crises.urls_facts")),  # incident details: record, correct, their history
    path("", include("crisisline.crises.urls_clients")),  # a client's page: download, correct, erase
    path("", include("crisisline.oncall.urls")),  # answering a page, alerts
    path("", include("crisisline.oncall.urls_rosters")),  # rotations, overrides, who is on call, calendars
    path("", include("crisisline.messaging.urls_admin")),  # message templates and their lengths
    path("hooks/", include("crisisline.messaging.urls")),  # the providers' webhooks
]

handler403 = "crisisline.web.errors.forbidden"
handler404 = "crisisline.web.errors.not_found"
handler500 = "crisisline.web.errors.server_error"
