"""Under /api/, every error answers in the API's one error shape, even the ones a library produces itself
(django-ninja answers a wrong method with a plain-text 405)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_CODES = {405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type"}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path.startswith("/api/")
            or response.headers.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code = _CODES.get(response.status_code, "error")
        message = (
            _("This method is not allowed here.") if response.status_code == 405 else _("The request failed.")
        )
        shaped = JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}}, status=response.status_code
        )
        if "Allow" in response.headers:
            shaped.headers["Allow"] = response.headers["Allow"]
        return shaped
