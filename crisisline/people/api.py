"""API for one's own account, its tokens, and the people a reader may see.

A token acts as its person, with that person's permissions and nothing more: every answer here goes through
the same selectors, services and policy as the web pages. A username outside the reader's scope answers
404 exactly like a username nobody has."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from crisisline.api.base import ApiError, ErrorOut, PageQuery, page_of, paginate
from crisisline.network.models import Team
from crisisline.people.models import ApiToken, Person, Role
from crisisline.people.policy import Action, is_administrator, require, scope
from crisisline.people.selectors import (
    own_roles,
    people_list,
    person_by_username,
    person_visible,
    role_place,
    token_list,
    visible_roles,
)
from crisisline.people.services import TokenError, token_create, token_revoke

router = Router(tags=["people"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Role.Kind under a name of its own in the OpenAPI document (other models have a `Kind` too).
RoleKind = StrEnum("RoleKind", {kind: kind for kind in Role.Kind.values})


class RoleOut(Schema):
    kind: RoleKind
    level: str = Field(description="team, organisation, district, state or network: where the role is held")
    code: str | None = Field(description="code of the team, organisation, district or state; null: network")


class MeOut(Schema):
    username: str
    display_name: str
    language: str
    roles: list[RoleOut]


class PersonOut(Schema):
    username: str
    display_name: str
    is_active: bool
    second_factor: bool = Field(description="whether two-factor sign-in is set up")
    roles: list[RoleOut] = Field(
        description="the roles the reader may see: a team lead sees those in their teams"
    )
    roles_elsewhere: bool = Field(description="whether the person also holds roles the reader does not see")


class TokenOut(Schema):
    prefix: str = Field(description="identifies the token; never the secret")
    name: str
    person: str = Field(description="username of the token's owner")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="the token itself: shown in this answer only, never again")


class TokenIn(Schema):
    name: str = Field(min_length=1, max_length=64, description="what the token is for")


def _roles_out(roles: list[Role]) -> list[dict]:
    out = []
    for role in roles:
        level, place = role_place(role)
        out.append({"kind": role.kind, "level": level, "code": getattr(place, "code", None)})
    return out


def _person_out(viewer: Person, person: Person) -> dict:
    roles, elsewhere = visible_roles(viewer=viewer, person=person)
    return {
        "username": person.username,
        "display_name": person.display_name,
        "is_active": person.is_active,
        "second_factor": person.has_second_factor,
        "roles": _roles_out(roles),
        "roles_elsewhere": elsewhere,
    }


def _token_out(token: ApiToken) -> dict:
    return {
        "prefix": token.prefix,
        "name": token.name,
        "person": token.person.username,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


# --- Me --------------------------------------------------------------------------------------------------
@router.get("/me", response={200: MeOut, **ERRORS}, summary="The token's own person")
def me_read(request):
    me = request.auth
    require(me, Action.OWN_ACCOUNT, me)
    return {
        "username": me.username,
        "display_name": me.display_name,
        "language": me.language,
        "roles": _roles_out(own_roles(person=me)),
    }


@router.get(
    "/me/tokens",
    response={200: page_of(TokenOut), **ERRORS},
    summary="List API tokens (revoked ones too), oldest first",
)
def me_token_list(
    request,
    paging: Query[PageQuery],
    person: str | None = Query(None, description="an administrator may name another person"),
):
    me = request.auth
    owner = me
    if person is not None and person != me.username:
        if not is_administrator(me):  # the same answer for every other name, whether it exists or not
            raise PermissionDenied
        owner = person_by_username(username=person)
        if owner is None:
            raise Http404(_("No person with this username."))
    require(me, Action.TOKEN_MANAGE, owner)
    page = paginate(scope(me, Action.TOKEN_MANAGE, token_list(person=owner)), paging)
    page["items"] = [_token_out(token) for token in page["items"]]
    return page


@router.post("/me/tokens", response={201: NewTokenOut, **ERRORS}, summary="Create an API token for yourself")
def me_token_create(request, payload: TokenIn):
    me = request.auth
    try:
        new = token_create(person=me, name=payload.name.strip(), by=me, request=request)
    except TokenError as error:  # a disabled person's token does not authenticate: only in a race
        raise ApiError(409, "disabled", str(error)) from None
    return Status(201, _token_out(new.token) | {"token": new.plaintext})


@router.delete(
    "/me/tokens/{prefix}",
    response={200: TokenOut, **ERRORS},
    summary="Revoke an API token (yours; an administrator: anyone's)",
)
def me_token_revoke(request, prefix: str):
    me = request.auth
    token = scope(me, Action.TOKEN_MANAGE, token_list()).filter(prefix=prefix).first()
    if token is None:
        raise Http404(_("No API token of yours with this prefix."))
    token_revoke(token=token, by=me, request=request)
    token.refresh_from_db(fields=["revoked_at"])
    return _token_out(token)


# --- People ----------------------------------------------------------------------------------------------
@router.get(
    "/people",
    response={200: page_of(PersonOut), **ERRORS},
    summary="List the people you may see: everyone (administrator), your teams (lead), yourself",
)
def people_read_list(
    request,
    paging: Query[PageQuery],
    team: str | None = Query(None, description="team code: people holding a role in it"),
    role: RoleKind | None = Query(None, description="people holding this role (in `team`, if given)"),  # noqa: B008
    active: bool | None = Query(None, description="only active (true) or disabled (false) accounts"),
):
    me = request.auth
    found_team = None
    if team is not None:
        found_team = scope(me, Action.NETWORK_VIEW, Team.objects.all()).filter(code=team).first()
        if found_team is None:
            raise Http404(_("No %(what)s with code %(code)s.") % {"what": _("team"), "code": team})
    people = people_list(viewer=me, team=found_team, kind=role.value if role else None, active=active)
    page = paginate(people, paging)
    page["items"] = [_person_out(me, person) for person in page["items"]]
    return page


@router.get("/people/{username}", response={200: PersonOut, **ERRORS}, summary="One person you may see")
def people_read(request, username: str):
    me = request.auth
    person = person_visible(viewer=me, username=username)
    if person is None:
        raise Http404(_("No person with this username."))
    require(me, Action.PEOPLE_VIEW, person)
    return _person_out(me, person)
