"""The versioned JSON API, /api/v1/. Each app adds its router; the OpenAPI document lists them all."""

from ninja import NinjaAPI

from crisisline.api.base import BearerToken, install_error_handlers
from crisisline.network.api import router as network_router
from crisisline.people.api import router as people_router

api = NinjaAPI(
    title="Crisisline API",
    version="1",
    description=(
        "Crisis response for community-led sex worker organisations. Every request carries "
        "`Authorization: Bearer <token>` (`crisisline token create --user NAME`). Errors always have the "
        'shape `{"error": {"code": ..., "message": ..., "fields": {...}}}`.'
    ),
    auth=BearerToken(),
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs page loads its script from a CDN; the document itself is served
)
install_error_handlers(api)
api.add_router("/", network_router)
api.add_router("/", people_router)
api.add_router("/", "crisisline.crises.api.router")
api.add_router("/", "crisisline.crises.api_evidence.router")
api.add_router("/", "crisisline.crises.api_facts.router")
api.add_router("/", "crisisline.crises.api_clients.router")
api.add_router("/", "crisisline.oncall.api.router")
api.add_router("/", "crisisline.oncall.api_policies.router")
