"""Error pages: a plain message in the reader's language, nothing about what was asked for.

Under /api/ the same errors come in the API's one error shape instead."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def forbidden(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(403, "forbidden", _("You may not do this."))
    return render(request, "web/error.html", {"title": _("Not allowed"), "status": 403}, status=403)


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", _("There is nothing at this address."))
    return render(request, "web/error.html", {"title": _("Not found"), "status": 404}, status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", _("Something went wrong on the server."))
    return render(request, "web/error.html", {"title": _("Something went wrong"), "status": 500}, status=500)
