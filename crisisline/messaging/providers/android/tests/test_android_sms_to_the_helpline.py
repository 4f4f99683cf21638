"""An SMS to the gateway phone from someone who is not a team member: the gateway phone is the team's
helpline (CRISISLINE_ANDROID_GATEWAY_NUMBER), so it becomes a call-back crisis on that team's board."""

from crisisline.crises.models import Crisis
from crisisline.messaging.models import InboundEvent

from .conftest import post, received

CALLER = "+919845012345"


def test_an_sms_from_an_unknown_number_opens_a_call_back_on_the_helplines_team(client, world, android):
    assert post(client, received(CALLER, "please call me")).status_code == 200
    crisis = Crisis.objects.get()
    assert crisis.team == world.team
    assert crisis.crisis_type.code == "call_back"
    assert InboundEvent.objects.get().outcome == f"call_back:{crisis.reference}"


def test_without_the_gateways_number_the_sms_is_noted_and_nothing_revealed(client, world, android):
    android.ANDROID_GATEWAY_NUMBER = ""
    response = post(client, received(CALLER, "please call me"))
    assert (response.status_code, response.content) == (200, b"ok")
    assert not Crisis.objects.exists()
    assert InboundEvent.objects.get().outcome == "unknown_number"


def test_the_number_the_app_reports_as_recipient_is_used_when_none_is_configured(client, world, android):
    android.ANDROID_GATEWAY_NUMBER = ""
    webhook = received(CALLER, "please call me")
    webhook["payload"]["recipient"] = "+442079460000"
    post(client, webhook)
    assert Crisis.objects.get().team == world.team
