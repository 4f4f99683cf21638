"""Headers every response carries: a strict Content-Security-Policy, and no caching of signed-in pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy() -> str:
    """Everything is served from this origin: no CDN, no external fonts, no inline script or style.
    Forms post only here, except that the quick-exit form's redirect must reach the neutral site (Chromium
    applies form-action to the redirect of a form post as well)."""
    neutral = urlsplit(settings.QUICK_EXIT_URL)
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            f"form-action 'self' {neutral.scheme}://{neutral.netloc}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "manifest-src 'self'",
        ]
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            # A shared phone must not show a signed-in page from its cache or its back button.
            response.headers["Cache-Control"] = "no-store"
        return response
