"""A page's SMS that the phone reports failed (sms:failed) moves the page to her next channel at once: a new
message on her next contact point."""

from crisisline.crises.services import Intake, crisis_open
from crisisline.messaging.models import ContactPoint, Message
from crisisline.messaging.providers.android.transport import gateway_id
from crisisline.messaging.services import contact_point_add
from crisisline.oncall.models import Page
from crisisline.oncall.tests.conftest import tick

from .conftest import post, report


def test_a_failure_report_pages_her_on_her_next_channel(client, world, sms_by_android, recorder):
    rekha = world.responders[0]
    ContactPoint.objects.filter(person=rekha, channel="console").delete()  # SMS first, then email
    email = contact_point_add(person=rekha, channel="email", address="rekha@example.org")
    crisis = crisis_open(
        team=world.team,
        intake=Intake(crisis_type="physical_violence", urgency="urgent"),
        by=world.call_receiver,
    ).crisis

    tick()
    sms = Message.objects.get(page__crisis=crisis)
    assert (sms.channel, sms.provider, sms.state) == ("sms", "android", Message.State.SENT)
    assert sms.provider_message_id == gateway_id(sms.idempotency_key)
    [handed_over] = sms_by_android.posts
    assert handed_over.json()["phoneNumbers"] == [world.numbers["rekha"]]

    response = post(client, report("sms:failed", sms.provider_message_id, world.numbers["rekha"]))

    assert response.status_code == 200
    sms.refresh_from_db()
    assert sms.state == Message.State.FAILED
    page = Page.objects.get(crisis=crisis)
    assert page.state == Page.State.PENDING
    [next_message] = Message.objects.filter(page=page).exclude(pk=sms.pk)
    assert (next_message.contact_point, next_message.channel) == (email, "email")
    tick()
    assert [(sent.channel, sent.to) for sent in recorder.sent] == [("email", "rekha@example.org")]
    assert len(sms_by_android.posts) == 1
