from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest | None) -> str:
    """Where a request came from. Behind a trusted reverse proxy, the address it saw; else the peer's."""
    if request is None:
        return ""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]
