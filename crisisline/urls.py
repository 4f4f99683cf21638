from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from crisisline.api.urls import api
from crisisline.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("states/<str:code>/", views.state_detail, name="state"),
    path("teams/<str:code>/", views.team_detail, name="team"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("exit", views.quick_exit, name="quick_exit"),
    path("language", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/", api.urls),
]

handler403 = "crisisline.web.errors.forbidden"
handler404 = "crisisline.web.errors.not_found"
handler500 = "crisisline.web.errors.server_error"
