from django.conf import settings


def shell(request):
    """What the page frame needs on every page."""
    return {
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "network_name": settings.NETWORK_NAME,
        "totp_issuer": settings.TOTP_ISSUER,
    }
