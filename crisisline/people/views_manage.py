"""People management, one's own account and the invitation link: thin doors onto people/services.

Every change goes through a service, and every service asks the policy (`require`): a refusal raises
PermissionDenied, which Django answers with the 403 page. A PeopleError is a refusal the person can fix;
it comes back as a message on the page. Who may see whom is policy.scope, through the selectors; a
username outside the reader's scope answers 404, as if it did not exist."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crisisline.network.models import District, Organisation, State, Team
from crisisline.people.models import Person, Role
from crisisline.people.policy import LEAD_GRANTABLE, Action, RoleSpec, can, is_administrator, require
from crisisline.people.selectors import (
    own_roles,
    people_list,
    people_may_invite,
    person_visible,
    role_place,
    teams_for_granting,
    token_list,
    visible_roles,
)
from crisisline.people.services import (
    PeopleError,
    TokenError,
    invitation_accept,
    invitation_open,
    invitation_renew,
    person_export_own_data,
    person_invite,
    person_set_active,
    role_grant,
    role_revoke,
    token_create,
    token_revoke,
)

PEOPLE_PER_PAGE = 50
LEVEL_LABELS = {
    "team": gettext_lazy("team"),
    "organisation": gettext_lazy("organisation"),
    "district": gettext_lazy("district"),
    "state": gettext_lazy("state"),
    "network": gettext_lazy("the whole network"),
}
_LEVEL_MODELS = {"state": State, "district": District, "organisation": Organisation}


# --- Roles as the pages show them ----------------------------------------------------------------------
@dataclass(frozen=True)
class RoleRow:
    role: Role
    kind: str  # the kind's label, in the reader's language
    level: str  # the level's label
    place: Any  # a team, organisation, district or state; None for the whole network
    may_remove: bool = False


def _spec_of(role: Role) -> RoleSpec:
    return RoleSpec(
        kind=role.kind,
        team=role.team,
        organisation=role.organisation,
        district=role.district,
        state=role.state,
    )


def _role_rows(roles: list[Role], *, viewer: Person | None = None, may_manage: bool = False) -> list[RoleRow]:
    rows = []
    for role in roles:
        level, place = role_place(role)
        may_remove = may_manage and viewer is not None and can(viewer, Action.ROLE_GRANT, _spec_of(role))
        rows.append(RoleRow(role, role.get_kind_display(), str(LEVEL_LABELS[level]), place, may_remove))
    return rows


def _role_choices(viewer: Person) -> dict[str, Any]:
    """What the grant forms offer: only what `viewer` may give. The services decide all the same."""
    admin = is_administrator(viewer)
    kinds = [(value, label) for value, label in Role.Kind.choices if admin or value in LEAD_GRANTABLE]
    levels: list[tuple[str, str]] = []
    if admin:
        levels.append(("network", str(LEVEL_LABELS["network"])))
        for name, model in (("state", State), ("district", District), ("organisation", Organisation)):
            levels += [
                (f"{name}:{place.code}", f"{place.name} ({LEVEL_LABELS[name]})")
                for place in model.objects.order_by("code")
            ]
    return {"kinds": kinds, "teams": teams_for_granting(viewer=viewer), "levels": levels, "admin": admin}


class RoleForm(forms.Form):
    """One role: a kind and a team, or (a programme manager) a level. Any existing kind, team or level
    is accepted here; whether this person may give it is the policy's answer, through the service."""

    kind = forms.CharField(required=False, max_length=24)
    team = forms.CharField(required=False, max_length=24)
    level = forms.CharField(required=False, max_length=40)

    def is_blank(self) -> bool:
        return not any(self.data.get(self.add_prefix(name), "").strip() for name in self.fields)

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"].strip()
        if kind not in Role.Kind.values:
            raise forms.ValidationError(_("Choose a role."))
        return kind

    def clean_team(self) -> Team | None:
        code = self.cleaned_data["team"].strip()
        if not code:
            return None
        team = Team.objects.filter(code=code).first()
        if team is None:
            raise forms.ValidationError(_("There is no team with this code."))
        return team

    def clean_level(self) -> tuple[str, Any] | None:
        value = self.cleaned_data["level"].strip()
        if not value:
            return None
        if value == "network":
            return ("network", None)
        name, _sep, code = value.partition(":")
        model = _LEVEL_MODELS.get(name)
        place = model.objects.filter(code=code).first() if model is not None else None
        if place is None:
            raise forms.ValidationError(_("Choose a level from the list."))
        return (name, place)

    def clean(self):
        data = super().clean()
        kind, team, level = data.get("kind"), data.get("team"), data.get("level")
        if kind in Role.TEAM_KINDS and team is None and "team" not in self.errors:
            self.add_error("team", _("Choose the team."))
        if kind == Role.Kind.PROGRAMME_MANAGER and level is None and "level" not in self.errors:
            self.add_error(
                "level", _("Choose the level: the whole network, a state, district or organisation.")
            )
        return data

    def spec(self) -> RoleSpec:
        data = self.cleaned_data
        place = {}
        if data["team"] is not None:
            place["team"] = data["team"]
        if data["level"] is not None and data["level"][1] is not None:
            place[data["level"][0]] = data["level"][1]
        return RoleSpec(kind=data["kind"], **place)


def _visible_or_404(request: HttpRequest, username: str) -> Person:
    person = person_visible(viewer=request.user, username=username)
    if person is None:
        raise Http404
    return person


# --- People list and person page -----------------------------------------------------------------------
class PeopleFilter(forms.Form):
    team = forms.CharField(required=False, max_length=24)
    role = forms.ChoiceField(required=False, choices=[("", ""), *Role.Kind.choices])
    active = forms.ChoiceField(required=False, choices=[("", ""), ("yes", ""), ("no", "")])


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Everyone for an administrator, the members of the led teams for a lead (policy.scope)."""
    filters = PeopleFilter(request.GET)
    teams = teams_for_granting(viewer=request.user)
    chosen = {"team": None, "kind": None, "active": None}
    valid = filters.is_valid()
    if valid:
        data = filters.cleaned_data
        if data["team"]:
            chosen["team"] = teams.filter(code=data["team"]).first()
            if chosen["team"] is None:
                filters.add_error("team", _("There is no team with this code among yours."))
                valid = False
        chosen["kind"] = data["role"] or None
        chosen["active"] = {"yes": True, "no": False}.get(data["active"])
    found = people_list(viewer=request.user, **chosen) if valid else Person.objects.none()
    page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for person in page.object_list:
        roles, elsewhere = visible_roles(viewer=request.user, person=person)
        rows.append({"person": person, "roles": _role_rows(roles), "elsewhere": elsewhere})
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "teams": teams,
        "kinds": Role.Kind.choices,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "may_invite": people_may_invite(viewer=request.user),
    }
    return render(request, "people/manage/list.html", context)


def _person_page(
    request: HttpRequest, person: Person, *, status: int = 200, link: str = "", grant: RoleForm | None = None
) -> HttpResponse:
    viewer = request.user
    may_manage = can(viewer, Action.PEOPLE_MANAGE, person)
    roles, elsewhere = visible_roles(viewer=viewer, person=person)
    context = {
        "person": person,
        "roles": _role_rows(roles, viewer=viewer, may_manage=may_manage),
        "elsewhere": elsewhere,
        "may_manage": may_manage,
        "is_self": person.pk == viewer.pk,
        "link": link,
        "grant": grant or RoleForm(),
        **_role_choices(viewer),
    }
    return render(request, "people/manage/person.html", context, status=status)


@login_required
@require_GET
def person_detail(request: HttpRequest, username: str) -> HttpResponse:
    return _person_page(request, _visible_or_404(request, username))


def _back(request: HttpRequest, person: Person) -> HttpResponse:
    # A lead who took away someone's last role in their team no longer sees that person: back to the list.
    if person_visible(viewer=request.user, username=person.username) is None:
        return redirect("people_list")
    return redirect("people_person", username=person.username)


@login_required
@require_POST
def person_role_grant(request: HttpRequest, username: str) -> HttpResponse:
    person = _visible_or_404(request, username)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _person_page(request, person, status=400, grant=form)
    try:
        role_grant(person=person, spec=form.spec(), by=request.user, request=request)
    except PeopleError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, message)
        messages.error(request, error.message)
        return _person_page(request, person, status=400, grant=form)
    messages.success(request, _("The role was given."))
    return _back(request, person)


@login_required
@require_POST
def person_role_revoke(request: HttpRequest, username: str, role_id: int) -> HttpResponse:
    person = _visible_or_404(request, username)
    role = Role.objects.filter(pk=role_id, person=person).select_related("person").first()
    if role is None:
        raise Http404
    try:
        role_revoke(role=role, by=request.user, request=request)
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The role was removed."))
    return _back(request, person)


@login_required
@require_POST
def person_active(request: HttpRequest, username: str) -> HttpResponse:
    person = _visible_or_404(request, username)
    active = request.POST.get("active") == "1"
    if not active and not _confirmed(request):
        return _back(request, person)
    try:
        person_set_active(person=person, active=active, by=request.user, request=request)
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        if active:
            messages.success(request, _("The account is enabled again."))
        else:
            messages.success(
                request, _("The account is disabled: signed out everywhere, API tokens revoked.")
            )
    return _back(request, person)


def _confirmed(request: HttpRequest) -> bool:
    """Whether the box under a drastic action was ticked: the form asks for it (without script), and a
    post without it, e.g. a slip of the thumb in an old browser, changes nothing."""
    if request.POST.get("confirm") == "yes":
        return True
    messages.error(request, _("Nothing was changed: tick the box to confirm first."))
    return False


def _invitation_link(request: HttpRequest, code: str) -> str:
    return request.build_absolute_uri(reverse("invitation_accept", kwargs={"code": code}))


@login_required
@require_POST
def person_invitation_renew(request: HttpRequest, username: str) -> HttpResponse:
    """A new one-time link; the page shows it this once (it is never stored, only its digest)."""
    person = _visible_or_404(request, username)
    if not _confirmed(request):
        return _back(request, person)
    try:
        code = invitation_renew(person=person, by=request.user, request=request)
    except PeopleError as error:
        messages.error(request, error.message)
        return _back(request, person)
    return _person_page(request, person, link=_invitation_link(request, code))


@login_required
@require_POST
def person_second_factor_reset(request: HttpRequest, username: str) -> HttpResponse:
    # Imported here: the second factor lives in its own module, which must not be needed to load this one.
    from crisisline.people.second_factor import second_factor_reset

    person = _visible_or_404(request, username)
    if not _confirmed(request):
        return _back(request, person)
    try:
        second_factor_reset(person=person, by=request.user, request=request)
    except PeopleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Two-factor sign-in was reset. The person sets it up again at next sign-in.")
        )
    return _back(request, person)


# --- Invite ----------------------------------------------------------------------------------------------
class InviteForm(forms.Form):
    username = forms.CharField(max_length=32, label=gettext_lazy("Username"))
    display_name = forms.CharField(max_length=64, required=False, label=gettext_lazy("Display name"))
    language = forms.ChoiceField(choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE)


class BaseRoleFormSet(forms.BaseFormSet):
    """Rows left blank are skipped (extra rows of a formset may stay empty); at least one must be filled."""

    def clean(self):
        super().clean()
        if not any(self.errors) and all(row.is_blank() for row in self.forms):
            raise forms.ValidationError(_("Give at least one role."))


ROLE_ROWS = 3
RoleFormSet = forms.formset_factory(
    RoleForm, formset=BaseRoleFormSet, extra=ROLE_ROWS, max_num=ROLE_ROWS, absolute_max=ROLE_ROWS
)


@login_required
@require_http_methods(["GET", "POST"])
def person_invite_view(request: HttpRequest) -> HttpResponse:
    if not people_may_invite(viewer=request.user):
        raise PermissionDenied  # only administrators and team leads invite
    form = InviteForm(request.POST or None)
    roles = RoleFormSet(request.POST or None, prefix="role")
    error, role_error = "", ""
    if request.method == "POST":
        if form.is_valid() and roles.is_valid():
            try:
                invited = person_invite(
                    username=form.cleaned_data["username"],
                    display_name=form.cleaned_data["display_name"].strip(),
                    language=form.cleaned_data["language"],
                    roles=[row.spec() for row in roles.forms if not row.is_blank()],
                    by=request.user,
                    request=request,
                )
            except PeopleError as refused:
                error = refused.message
                for field, message in refused.fields.items():
                    if field in form.fields:
                        form.add_error(field, message)
                    else:
                        role_error = message
            else:
                context = {
                    "person": invited.person,
                    "link": _invitation_link(request, invited.code),
                    "expires_at": invited.invitation.expires_at,
                }
                return render(request, "people/manage/invited.html", context, status=201)
        else:
            error = _("The account was not created. Check the fields marked below.")
    context = {
        "form": form,
        "roles": roles,
        "error": error,
        "role_error": role_error,
        **_role_choices(request.user),
    }
    return render(request, "people/manage/invite.html", context, status=400 if error else 200)


# --- Accepting an invitation ----------------------------------------------------------------------------
class ChoosePasswordForm(forms.Form):
    password = forms.CharField(strip=False, widget=forms.PasswordInput, max_length=256)
    password_again = forms.CharField(strip=False, widget=forms.PasswordInput, max_length=256)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, code: str) -> HttpResponse:
    """The one-time link. The code is a secret that opens one invitation; it says nothing about anyone
    until it is found, and a used or expired one opens nothing."""
    invitation = invitation_open(code=code)
    if invitation is None:
        return render(request, "people/account/invitation_invalid.html", status=410)
    form = ChoosePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept(code=code, password=form.cleaned_data["password"], request=request)
        except PeopleError as error:
            if "password" not in error.fields:
                return render(request, "people/account/invitation_invalid.html", status=410)
            form.add_error("password", error.fields["password"])
        else:
            if request.user.is_authenticated:
                logout(request)  # a shared phone: whoever was signed in here is not the new person
            messages.success(request, _("Your password is set. Sign in with your username and new password."))
            return redirect(settings.LOGIN_URL)
    status = 400 if form.is_bound else 200
    context = {"form": form, "person": invitation.person}
    return render(request, "people/account/accept.html", context, status=status)


# --- My account -----------------------------------------------------------------------------------------
class TokenNameForm(forms.Form):
    name = forms.CharField(max_length=64, label=gettext_lazy("Name"))


def _account_page(
    request: HttpRequest, *, new_token: str = "", form: TokenNameForm | None = None, status: int = 200
) -> HttpResponse:
    me = request.user
    require(me, Action.OWN_ACCOUNT, me)
    context = {
        "roles": _role_rows(own_roles(person=me)),
        "tokens": token_list(person=me).order_by("-created_at", "-pk"),
        "new_token": new_token,
        "form": form or TokenNameForm(),
        "may_manage_people": people_may_invite(viewer=me),
    }
    return render(request, "people/account/home.html", context, status=status)


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@login_required
@require_POST
def account_token_create(request: HttpRequest) -> HttpResponse:
    """The token is in this one answer and nowhere else: only its digest is kept."""
    form = TokenNameForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form=form, status=400)
    try:
        new = token_create(
            person=request.user, name=form.cleaned_data["name"].strip(), by=request.user, request=request
        )
    except TokenError:
        messages.error(request, _("This account cannot get an API token."))
        return redirect("account_home")
    return _account_page(request, new_token=new.plaintext, status=201)


@login_required
@require_POST
def account_token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    token = token_list(person=request.user).filter(prefix=prefix).first()
    if token is None:
        raise Http404
    token_revoke(token=token, by=request.user, request=request)
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("account_home")


@login_required
@require_POST
def account_data(request: HttpRequest) -> HttpResponse:
    """Download what Crisisline holds about me, as JSON. A POST: the download is written to the audit
    trail, and a link that writes must not be followed by a prefetch or another site."""
    data = person_export_own_data(person=request.user, by=request.user, request=request)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    day = timezone.localdate().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="crisisline-my-data-{day}.json"'
    return response
