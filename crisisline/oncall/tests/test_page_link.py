"""The one-time link in a page: only its person, signed in, can answer; once answered it is spent."""

from conftest import sign_in
from crisisline.oncall.models import Escalation, Page
from crisisline.oncall.services import token_digest
from crisisline.oncall.tests.test_escalation_on_timeout import open_crisis


def link_of(recorder_message) -> str:
    return recorder_message.body.rsplit(" ", 1)[-1].replace("http://127.0.0.1:8000", "")


def page_link(world, crisis) -> str:
    from crisisline.messaging.models import Message

    body = Message.objects.get(page__crisis=crisis, channel="console").body
    return body.rsplit(" ", 1)[-1].split("127.0.0.1:8000", 1)[-1]


def test_the_paged_person_accepts_through_the_link(world, client):
    crisis = open_crisis(world)
    link = page_link(world, crisis)
    assert link.startswith("/p/") and crisis.reference not in link
    sign_in(client, world.responders[0])
    page = client.get(link)
    assert page.status_code == 200
    assert crisis.reference in page.content.decode()
    answered = client.post(link, {"answer": "accept"})
    assert answered.status_code == 302 and answered["Location"] == f"/crises/{crisis.reference}"
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACCEPTED
    assert Page.objects.get(crisis=crisis).answered_via == "link"
    again = client.post(link, {"answer": "decline"})
    assert again.status_code == 200 and "It is yours" in again.content.decode()
    assert Page.objects.get(crisis=crisis).state == Page.State.ACCEPTED


def test_cannot_go_through_the_link(world, client):
    crisis = open_crisis(world)
    sign_in(client, world.responders[0])
    answered = client.post(page_link(world, crisis), {"answer": "decline"})
    assert answered.status_code == 200
    assert Page.objects.filter(crisis=crisis, person=world.lead).exists()


def test_the_link_needs_sign_in_and_shows_nothing_before(world, client):
    crisis = open_crisis(world)
    link = page_link(world, crisis)
    answer = client.get(link)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/")
    assert crisis.reference not in answer["Location"]
    assert client.post(link, {"answer": "accept"}).status_code == 302
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACTIVE


def test_someone_else_signed_in_gets_404(world, client):
    crisis = open_crisis(world)
    sign_in(client, world.responders[1])
    link = page_link(world, crisis)
    assert client.get(link).status_code == 404
    assert client.post(link, {"answer": "accept"}).status_code == 404
    assert Escalation.objects.get(crisis=crisis).state == Escalation.State.ACTIVE


def test_only_a_digest_of_the_token_is_kept(world):
    crisis = open_crisis(world)
    token = page_link(world, crisis).removeprefix("/p/")
    page = Page.objects.get(crisis=crisis)
    assert page.token_digest == token_digest(token) and token not in page.token_digest
