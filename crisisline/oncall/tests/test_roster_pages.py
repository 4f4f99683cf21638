"""The on-call pages: who is on call now and at a time, the week as bars, rotations, overrides, calendar
feeds. A team member reads them; the team lead changes the rota there, sees the report of holes and
overlaps after saving, and a bad form comes back with the fields marked and nothing changed."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from conftest import make_person, sign_in
from crisisline.oncall.models import CalendarFeed, Override, Rotation
from crisisline.oncall.rosters import local
from crisisline.oncall.selectors import DASH
from crisisline.oncall.tests.roster_helpers import holders, rotation, team_in

ZONE = "Asia/Kolkata"


@pytest.fixture
def team(network):
    return team_in(network, ZONE)


@pytest.fixture
def responders(team):
    return holders(team, "responder", "rekha", "sunita", "kavya")


@pytest.fixture
def rota(team, responders):
    """Rekha holds a long first shift that began yesterday: who is on call now does not depend on the hour."""
    yesterday = local(timezone.now(), ZONE).date() - timedelta(days=1)
    return rotation(team, responders, starts_on=yesterday, handoff=time(0), shift_hours=24 * 14)


@pytest.fixture
def lead(team):
    return make_person("lead", ("team_lead", team))


def _page(client, team) -> str:
    response = client.get(f"/teams/{team.code}/oncall")
    assert response.status_code == 200
    return response.content.decode()


def _form(rota, responders, **changes) -> dict:
    data = {
        "name": rota.name,
        "duty": "responder",
        "starts_on": rota.starts_on.isoformat(),
        "handoff": "00:00",
        "shift_hours": str(rota.shift_hours),
        "days": [str(d) for d in range(7)],
        "active_from": "",
        "active_until": "",
    }
    data |= {f"position-{p.pk}": str(n) for n, p in enumerate(responders, start=1)}
    return data | changes


def test_a_member_sees_who_is_on_call_the_week_and_no_edit_links(client, team, responders, rota):
    html = _page(sign_in(client, responders[1]), team)

    assert '<strong class="person">rekha</strong>' in html
    assert html.count('class="seg c0 from-0 to-48"') >= 6  # rekha's whole days in the week's bars
    assert "Responders" in html and "New rotation" not in html and "/edit" not in html
    assert "Make a feed of my shifts" in html and "Make a feed of the team's shifts" not in html


def test_someone_outside_the_team_gets_404(client, team, rota, network):
    outsider = make_person("lakshmi", ("responder", network["teams"]["mysuru2"]))
    assert sign_in(client, outsider).get(f"/teams/{team.code}/oncall").status_code == 404
    assert client.get(f"/teams/{team.code}/oncall/rotations/new").status_code == 404


def test_a_member_may_not_open_the_rota_forms(client, team, responders, rota):
    sign_in(client, responders[0])
    assert client.get(f"/teams/{team.code}/oncall/rotations/new").status_code == 403
    assert (
        client.post(
            f"/teams/{team.code}/oncall/rotations/{rota.pk}/edit", _form(rota, responders)
        ).status_code
        == 403
    )


def test_the_lead_reorders_the_rotation_and_the_new_person_is_on_call(client, team, responders, rota, lead):
    sign_in(client, lead)
    form = client.get(f"/teams/{team.code}/oncall/rotations/{rota.pk}/edit")
    assert (
        form.status_code == 200 and f'name="position-{responders[0].pk}" value="1"' in form.content.decode()
    )

    rekha, sunita, kavya = responders
    response = client.post(
        f"/teams/{team.code}/oncall/rotations/{rota.pk}/edit", _form(rota, [sunita, rekha, kavya])
    )

    assert response.status_code == 302 and response["Location"] == f"/teams/{team.code}/oncall#report"
    html = _page(client, team)
    assert "Rotation “Responders” saved." in html
    assert "Someone is on call for Responder (on call) at every hour of the next 14 days" in html
    assert (
        '<strong class="person">sunita</strong>' in html
        and '<strong class="person">rekha</strong>' not in html
    )
    assert "Rotation “Responders” saved." not in _page(client, team)  # the report is shown once


def test_a_new_rotation_with_holes_shows_them_after_saving(client, team, responders, lead):
    sign_in(client, lead)
    today = local(timezone.now(), ZONE).date()
    data = {
        "name": "Nights",
        "duty": "responder",
        "starts_on": today.isoformat(),
        "handoff": "20:00",
        "shift_hours": "24",
        "days": [str(d) for d in range(7)],
        "active_from": "20:00",
        "active_until": "08:00",
        f"position-{responders[2].pk}": "1",
    }

    response = client.post(f"/teams/{team.code}/oncall/rotations/new", data, follow=True)

    html = response.content.decode()
    assert "Check the rota for Responder (on call) in the next 14 days:" in html
    assert html.count("<li>Nobody on call ") >= 13
    assert f"08:00 {DASH} 20:00</li>" in html
    rotation_row = Rotation.objects.get(name="Nights")
    assert rotation_row.active_from == time(20) and [m.person for m in rotation_row.members.all()] == [
        responders[2]
    ]


def test_a_bad_form_is_shown_again_with_the_fields_marked_and_nothing_saved(
    client, team, responders, rota, lead
):
    sign_in(client, lead)
    data = _form(rota, responders, shift_hours="0", active_from="20:00", name="Renamed")
    data |= {f"position-{responders[0].pk}": "2"}  # two people at position 2

    response = client.post(f"/teams/{team.code}/oncall/rotations/{rota.pk}/edit", data)

    assert response.status_code == 422
    html = response.content.decode()
    assert "Two people have position 2: give each their own." in html
    response = client.post(
        f"/teams/{team.code}/oncall/rotations/{rota.pk}/edit",
        _form(rota, responders, shift_hours="0", active_from="20:00"),
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "A shift lasts 1 to 336 hours." in html
    assert "Give both ends of the active hours, or neither (every hour)." in html
    assert 'id="shift_hours" name="shift_hours" value="0" aria-invalid="true"' in html
    rota.refresh_from_db()
    assert rota.shift_hours == 24 * 14 and rota.active_from is None and rota.name == "Responders"


def test_on_call_at_a_time_shows_who_then(client, team, responders, rota):
    sign_in(client, responders[0])
    later = local(timezone.now(), ZONE) + timedelta(days=15)  # the second shift: sunita

    html = client.get(f"/teams/{team.code}/oncall", {"at": later.strftime("%Y-%m-%dT%H:%M")}).content.decode()

    at_section = html.split('id="at"')[1].split('id="week"')[0]
    assert '<strong class="person">sunita</strong>' in at_section
    bad = client.get(f"/teams/{team.code}/oncall", {"at": "tomorrow"}).content.decode()
    assert "Give a date and time." in bad


def test_the_lead_adds_and_cancels_an_override(client, team, responders, rota, lead):
    sign_in(client, lead)
    now = local(timezone.now(), ZONE).replace(second=0, microsecond=0)
    data = {
        "duty": "responder",
        "person": str(responders[2].pk),
        "starts_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "reason": "clinic visit",
    }
    assert client.get(f"/teams/{team.code}/oncall/overrides/new").status_code == 200

    response = client.post(f"/teams/{team.code}/oncall/overrides/new", data)

    assert response.status_code == 302
    html = _page(client, team)
    now_section = html.split('id="now"')[1].split('id="at"')[0]
    assert '<strong class="person">kavya</strong>' in now_section and "override" in now_section
    override = Override.objects.get()
    assert client.post(f"/teams/{team.code}/oncall/overrides/{override.pk}/cancel").status_code == 302
    assert Override.objects.get().cancelled_at is not None
    assert '<strong class="person">rekha</strong>' in _page(client, team)

    bad = client.post(f"/teams/{team.code}/oncall/overrides/new", data | {"ends_at": data["starts_at"]})
    assert bad.status_code == 422 and "The end must come after the start." in bad.content.decode()


def test_the_lead_swaps_two_shifts_on_the_page(client, team, responders, lead):
    today = local(timezone.now(), ZONE).date()
    daily = rotation(team, responders, name="Daily", starts_on=today, handoff=time(9))
    sign_in(client, lead)
    page = client.get(f"/teams/{team.code}/oncall/rotations/{daily.pk}/swap").content.decode()
    options = [part.split('"')[0] for part in page.split('<option value="')[1:] if part[0] != '"']
    first, second = options[1], options[2]  # two shifts in a row: two different people

    response = client.post(
        f"/teams/{team.code}/oncall/rotations/{daily.pk}/swap", {"shift_a": first, "shift_b": second}
    )

    assert response.status_code == 302
    assert Override.objects.count() == 2
    refused = client.post(
        f"/teams/{team.code}/oncall/rotations/{daily.pk}/swap", {"shift_a": first, "shift_b": ""}
    )
    assert refused.status_code == 422 and Override.objects.count() == 2


def test_a_feed_address_is_shown_once_and_can_be_revoked(client, team, responders, rota):
    sign_in(client, responders[0])

    response = client.post(f"/teams/{team.code}/oncall/feeds", {"of": "person"})

    assert response.status_code == 201
    html = response.content.decode()
    url = html.split('id="new-feed" class="secret" value="')[1].split('"')[0]
    assert url.startswith("http://testserver/oncall/calendar/") and url.endswith(".ics")
    path = url.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    assert url not in _page(client, team)  # never shown again
    feed = CalendarFeed.objects.get()
    assert client.post(f"/teams/{team.code}/oncall/feeds", {"of": "team"}).status_code == 403

    assert client.post(f"/teams/{team.code}/oncall/feeds/{feed.pk}/revoke").status_code == 302
    assert client.get(path).status_code == 404


def test_the_lead_makes_a_team_feed(client, team, responders, rota, lead):
    sign_in(client, lead)
    assert client.post(f"/teams/{team.code}/oncall/feeds", {"of": "team"}).status_code == 201
    assert CalendarFeed.objects.get().team == team
    assert "The team's shifts" in _page(client, team)


def test_the_team_page_and_the_board_link_to_the_on_call_page(client, team, responders, rota):
    sign_in(client, responders[0])
    link = f'href="/teams/{team.code}/oncall"'
    assert link in client.get(f"/teams/{team.code}/").content.decode()
    assert link in client.get(f"/teams/{team.code}/board").content.decode()
    assert client.get("/oncall/rota")["Location"] == f"/teams/{team.code}/oncall"


def test_the_lead_removes_a_rotation(client, team, rota, lead):
    sign_in(client, lead)
    response = client.post(f"/teams/{team.code}/oncall/rotations/{rota.pk}/delete", follow=True)
    assert "Rotation “Responders” removed." in response.content.decode()
    assert not Rotation.objects.exists()


def test_a_rotation_that_overlaps_another_says_so_after_saving(client, team, responders, rota, lead):
    sign_in(client, lead)
    data = _form(rota, responders[1:], name="Second line")  # sunita and kavya, also all day

    html = client.post(f"/teams/{team.code}/oncall/rotations/new", data, follow=True).content.decode()

    assert "<li>Two rotations on call at once " in html and ": Responders, Second line</li>" in html
    assert Rotation.objects.count() == 2
