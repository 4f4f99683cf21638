from django.urls import path

from crisisline.oncall import views

urlpatterns = [
    path("p/<str:token>", views.page_link, name="page_link"),
    path("oncall/alerts", views.alerts, name="oncall_alerts"),
]
