"""What every API endpoint shares: bearer-token authentication, the one error shape and pagination."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import Field, create_model

from crisisline.people.services import token_authenticate

log = logging.getLogger("crisisline.api")


class BearerToken(HttpBearer):
    """`Authorization: Bearer cl_...`: the request acts as the token's person, with that person's rights."""

    def authenticate(self, request: HttpRequest, token: str):
        person = token_authenticate(token)
        if person is None:
            return None
        request.user = person
        return person


class ApiError(Exception):
    """Raised by endpoints for a refusal that is not a validation error, a 404 or a 403."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or {}


class ErrorBody(Schema):
    code: str = Field(description="stable, machine-readable: not_found, invalid, unauthorized, ...")
    message: str = Field(description="for people, in the language of the request")
    fields: dict[str, str] = Field(default_factory=dict, description="field name -> what is wrong with it")


class ErrorOut(Schema):
    error: ErrorBody


def error_response(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, fields=None):
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return api.create_response(request, body, status=status)


def _field_name(location: list[Any]) -> str:
    # ninja reports ("query", "page") or ("path", "code") or ("body", "payload", "name"): keep the field.
    parts = [str(part) for part in location if part not in ("query", "path", "body", "payload", "header")]
    return ".".join(parts) or "request"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid(request, exc: ValidationError):
        fields = {_field_name(list(e.get("loc", []))): str(e.get("msg", "")) for e in exc.errors}
        return error_response(api, request, 422, "invalid", _("Some fields are not valid."), fields)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        response = error_response(
            api, request, 401, "unauthorized", _("Send a valid API token: Authorization: Bearer <token>.")
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="crisisline"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return error_response(api, request, 403, "forbidden", _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", str(exc) or _("Not found."))

    @api.exception_handler(ApiError)
    def refused(request, exc: ApiError):
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {400: "bad_request", 405: "method_not_allowed", 429: "too_many_requests"}.get(
            exc.status_code, "error"
        )
        return error_response(api, request, exc.status_code, code, str(exc))

    @api.exception_handler(Exception)
    def server_error(request, exc) -> HttpResponse:
        log.exception("API request failed")  # the log filter scrubs identifiers from the trace
        return error_response(api, request, 500, "server_error", _("Something went wrong on the server."))


# --- Pagination -----------------------------------------------------------------------------------------
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200
_page_schemas: dict[type, type[Schema]] = {}


def page_of(item: type[Schema]) -> type[Schema]:
    """The schema of one page of `item`s: {"items": [...], "count": n, "page": p, "pages": k}."""
    if item not in _page_schemas:
        _page_schemas[item] = create_model(
            f"{item.__name__}Page",
            __base__=Schema,
            items=(list[item], ...),
            count=(int, Field(description="items in all pages")),
            page=(int, Field(description="this page, from 1")),
            pages=(int, Field(description="number of pages")),
        )
    return _page_schemas[item]


class PageQuery(Schema):
    page: int = Field(1, ge=1, description="page number, from 1")
    page_size: int = Field(PAGE_SIZE_DEFAULT, ge=1, le=PAGE_SIZE_MAX, description="items per page")


def paginate(queryset: QuerySet, query: PageQuery) -> dict[str, Any]:
    count = queryset.count()
    pages = max(1, -(-count // query.page_size))
    if query.page > pages:
        message = ngettext("There is only %(pages)s page.", "There are only %(pages)s pages.", pages)
        raise ApiError(404, "page_out_of_range", message % {"pages": pages}, {"page": _("Too high.")})
    start = (query.page - 1) * query.page_size
    return {
        "items": list(queryset[start : start + query.page_size]),
        "count": count,
        "page": query.page,
        "pages": pages,
    }
