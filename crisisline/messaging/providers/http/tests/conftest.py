"""A local HTTP server standing in for an aggregator, and the settings of a configured gateway."""

from __future__ import annotations

import pytest

from crisisline.messaging import transport as transports
from crisisline.oncall.tests.conftest import recorder, world  # noqa: F401  (fixtures)

from .server import serve

SECRET_HEADER = "Bearer s3cret-header-value-9f2c"
INBOUND_SECRET = "inbound-path-secret-0123456789abcdef"


@pytest.fixture
def aggregator(settings):
    """Answers 200 {"status": "ok", "data": [{"id": "MSG-<n>"}]} unless told otherwise (`answer`)."""

    def answer(request):
        return 200, {"status": "ok", "data": [{"id": f"MSG-{len(server.seen)}"}]}

    with serve(answer) as server:
        settings.HTTP_SMS_HEADERS = {"Authorization": SECRET_HEADER}
        settings.HTTP_SMS_SENDER = "CRSLNE"
        settings.HTTP_SMS_ID_FIELD = ""
        transports.reset()
        yield server
    transports.reset()


@pytest.fixture
def inbound(db, settings):
    settings.HTTP_INBOUND_SECRET = INBOUND_SECRET
    settings.HTTP_INBOUND_FIELDS = {}
    settings.HTTP_ALLOWED_NETWORKS = []
    return settings
