"""A person sets how pages reach them; a team lead does it for the people they manage; nobody else can."""

from conftest import make_person, sign_in
from crisisline.audit.models import AuditEntry
from crisisline.messaging.models import ContactPoint, Message
from crisisline.messaging.services import contact_address

NUMBER = "+442079460123"  # a drama number (lib/phones.py)


def test_add_a_number_see_it_masked_and_send_a_test(client, person):
    sign_in(client, person)
    answer = client.post("/account/channels/", {"channel": "sms", "address": "+44 20 7946 0123"})
    assert answer.status_code == 302
    point = ContactPoint.objects.get(person=person)
    assert contact_address(point) == NUMBER and NUMBER not in point.address_sealed
    page = client.get("/account/channels/").content.decode()
    assert NUMBER not in page and "7946" not in page and NUMBER[-3:] in page
    assert client.post(f"/account/channels/{point.pk}/test").status_code == 302
    message = Message.objects.get(person=person)
    assert message.template == "test" and NUMBER not in message.body
    assert AuditEntry.objects.filter(action="messaging.contact_point.add").exists()


def test_a_bad_number_is_refused_without_repeating_it(client, person):
    sign_in(client, person)
    answer = client.post("/account/channels/", {"channel": "sms", "address": "12345"})
    assert answer.status_code == 400
    assert "12345" not in answer.content.decode().split("<form", 1)[0]  # the message does not echo it
    assert not ContactPoint.objects.exists()


def test_channels_are_tried_in_the_order_set(client, person):
    sign_in(client, person)
    client.post("/account/channels/", {"channel": "sms", "address": NUMBER})
    client.post("/account/channels/", {"channel": "console", "address": "meena"})
    console = ContactPoint.objects.get(channel="console")
    client.post(f"/account/channels/{console.pk}/up")
    assert list(person.contact_points.order_by("position").values_list("channel", flat=True)) == [
        "console",
        "sms",
    ]
    client.post(f"/account/channels/{console.pk}/remove")
    assert list(person.contact_points.values_list("channel", flat=True)) == ["sms"]


def test_a_lead_sets_a_members_channels_others_get_404(client, network, person):
    team = network["teams"]["mysuru"]
    lead = make_person("lead", ("team_lead", team))
    sign_in(client, lead)
    assert (
        client.post("/people/person/meena/channels/", {"channel": "sms", "address": NUMBER}).status_code
        == 302
    )
    assert ContactPoint.objects.filter(person=person).count() == 1
    client.logout()
    other = make_person("rekha", ("responder", team))
    sign_in(client, other)
    assert client.get("/people/person/meena/channels/").status_code == 404
    point = ContactPoint.objects.get(person=person)
    assert client.post(f"/people/person/meena/channels/{point.pk}/remove").status_code == 404
    assert ContactPoint.objects.filter(person=person).count() == 1
