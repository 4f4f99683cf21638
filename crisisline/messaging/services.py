"""Messaging: reaching people, delivering outbound rows, and taking what the providers post back.

Everything here is channel-neutral. A provider folder turns its own formats into calls of these functions:
`inbound_sms`, `inbound_missed_call`, `inbound_receipt` (webhooks) and implements the transport interface
(transport.py). The on-call app registers what a reply, a failure or a missed call means (ON_REPLY,
ON_FAILED); this app knows nothing of pages beyond the foreign key."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from crisisline.audit.services import audit_record
from crisisline.lib.crypto import keyed_digest, seal, unseal
from crisisline.lib.phones import InvalidPhoneNumber, to_e164
from crisisline.messaging import transport as transports
from crisisline.messaging.models import Channel, ContactPoint, InboundEvent, Message
from crisisline.messaging.texts import dlt_template_id, render
from crisisline.worker.claims import claim, release
from crisisline.worker.registry import poller

log = logging.getLogger("crisisline.messaging")

BATCH = 50
# Temporary failures are retried after 5 s, 10 s, 20 s... up to this many attempts, then the page moves on
# to the person's next channel (and the escalation, on its own clock, to the next level).
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=5)

# Functions the on-call app registers: a message that failed for good (message) -> None; an SMS from a known
# person (person, text, event) -> outcome code or None when it was not a reply to a page.
ON_FAILED: list = []
ON_REPLY: list = []
ON_VOICE_KEY: list = []  # (message, digit) -> outcome code


class MessagingError(ValueError):
    pass


# --- Addresses ---------------------------------------------------------------------------------------------
def normalise_address(channel: str, address: str) -> str:
    address = address.strip()
    if channel in (Channel.SMS, Channel.VOICE):
        return to_e164(address)
    if channel == Channel.EMAIL:
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            raise MessagingError("This is not an email address.")
        return address.lower()
    if channel == Channel.CONSOLE:
        if not re.fullmatch(r"[\w.@+-]{1,64}", address):
            raise MessagingError("A console address is a username.")
        return address
    raise MessagingError("Unknown channel.")


def address_digest(channel: str, address: str) -> str:
    # SMS and voice share a digest: the number is the same person on either channel.
    kind = "phone" if channel in (Channel.SMS, Channel.VOICE) else channel
    return keyed_digest(address.encode(), purpose=f"contact.{kind}")


def contact_point_add(
    *, person, channel: str, address: str, by=None, position: int | None = None
) -> ContactPoint:
    try:
        address = normalise_address(channel, address)
    except InvalidPhoneNumber as error:
        raise MessagingError(str(error)) from None
    if position is None:
        last = person.contact_points.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
    with transaction.atomic():
        # Put before whatever holds that place now: channels are tried in order.
        later = ContactPoint.objects.filter(person=person, position__gte=position)
        later.update(position=models.F("position") + 1)
        point, _created = ContactPoint.objects.get_or_create(
            person=person,
            channel=channel,
            address_digest=address_digest(channel, address),
            defaults={
                "address_sealed": seal(address.encode(), purpose="contact.address"),
                "position": position,
            },
        )
        audit_record(actor=by, action="messaging.contact_point.add", obj=person, details={"channel": channel})
    return point


def contact_point_remove(*, point: ContactPoint, by=None) -> None:
    with transaction.atomic():
        audit_record(
            actor=by,
            action="messaging.contact_point.remove",
            obj=point.person,
            details={"channel": point.channel},
        )
        point.delete()


def contact_point_move_up(*, point: ContactPoint, by=None) -> None:
    """Try this channel one place earlier (swap with the one before it)."""
    with transaction.atomic():
        points = list(
            ContactPoint.objects.select_for_update().filter(person=point.person).order_by("position", "pk")
        )
        index = next(i for i, p in enumerate(points) if p.pk == point.pk)
        if index == 0:
            return
        points[index - 1], points[index] = points[index], points[index - 1]
        for position, each in enumerate(points):
            ContactPoint.objects.filter(pk=each.pk).update(position=position)
        audit_record(
            actor=by,
            action="messaging.contact_point.reorder",
            obj=point.person,
            details={"channel": point.channel, "position": index - 1},
        )


def contact_address(point: ContactPoint) -> str:
    return unseal(point.address_sealed, purpose="contact.address").decode()


def people_at_number(e164: str):
    """The people whose SMS or voice contact point is this number (a keyed-digest lookup)."""
    from crisisline.people.models import Person

    digest = address_digest(Channel.SMS, e164)
    return Person.objects.filter(
        is_active=True, contact_points__address_digest=digest, contact_points__channel__in=["sms", "voice"]
    ).distinct()


# --- Outbound ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    template: str
    values: dict


def message_queue(
    *,
    key: str,
    point: ContactPoint,
    text: Text,
    page=None,
    language: str | None = None,
    due_at: datetime | None = None,
) -> Message:
    """Queue one message to one contact point, once per key: a second call with the same key returns the
    first row and sends nothing more."""
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    template = (
        "page_voice" if point.channel == Channel.VOICE and text.template.startswith("page") else text.template
    )
    used, body = render(template, language or point.person.language, **text.values)
    try:
        with transaction.atomic():
            return Message.objects.create(
                idempotency_key=key,
                page=page,
                person=point.person,
                contact_point=point,
                channel=point.channel,
                provider=transports.provider_for(point.channel),
                to_sealed=point.address_sealed,
                template=template,
                language=used,
                body=body,
                due_at=due_at or timezone.now(),
            )
    except IntegrityError:
        return Message.objects.get(idempotency_key=key)


def _outbound(message: Message) -> transports.OutboundMessage:
    base = settings.BASE_URL
    return transports.OutboundMessage(
        idempotency_key=message.idempotency_key,
        channel=message.channel,
        to=unseal(message.to_sealed, purpose="contact.address").decode(),
        body=message.body,
        template=message.template,
        language=message.language,
        voice_url=f"{base}/hooks/{message.provider}/voice/{message.token}/"
        if message.channel == "voice"
        else "",
        status_url=f"{base}/hooks/{message.provider}/status/",
        dlt_template_id=dlt_template_id(message.template, message.language),
    )


@poller("deliver_messages")
def deliver_messages(now: datetime, worker_id: str) -> int:
    """Hand every due message to its provider: claim, record the attempt, send, record the outcome."""
    pending = Message.objects.filter(state__in=[Message.State.QUEUED, Message.State.SENDING])
    pks = claim(
        pending,
        now=now,
        worker_id=worker_id,
        lease=timedelta(seconds=settings.WORKER_LEASE_SECONDS),
        limit=BATCH,
    )
    if not pks:
        return 0
    for message in Message.objects.filter(pk__in=pks).select_related("page").order_by("due_at"):
        deliver(message, worker_id=worker_id, now=now)
    return len(pks)


def deliver(message: Message, *, worker_id: str, now: datetime) -> str:
    """One claimed message. The attempt is written before the provider is called; a message already in
    SENDING was being sent by a worker that died, so the provider is asked first whether it has it."""
    provider = transports.transport(message.provider)
    outbound = _outbound(message)
    if message.state == Message.State.SENDING:
        lookup = getattr(provider, "lookup", None)
        found = lookup(message.idempotency_key) if lookup else None
        if found is not None:
            return _sent(message, found, worker_id, now)
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENDING, attempts=message.attempts + 1)
    message.attempts += 1
    try:
        receipt = provider.send(outbound)
    except transports.TransportError as error:
        return _failed_attempt(message, error, worker_id, now)
    except Exception as error:  # a provider library's own error: temporary until proven otherwise
        log.exception("provider %s raised while sending message %s", message.provider, message.pk)
        return _failed_attempt(message, transports.TransportError(type(error).__name__), worker_id, now)
    return _sent(message, receipt, worker_id, now)


def _sent(message: Message, receipt: transports.Receipt, worker_id: str, now: datetime) -> str:
    state = Message.State.DELIVERED if receipt.state == "delivered" else Message.State.SENT
    changes = {
        "state": state,
        "sent_at": timezone.now(),
        "provider_message_id": receipt.provider_message_id[:96],
    }
    if state == Message.State.DELIVERED:
        changes["delivered_at"] = changes["sent_at"]
    release(Message, message.pk, worker_id, **changes)
    return state


def _failed_attempt(message: Message, error: transports.TransportError, worker_id: str, now: datetime) -> str:
    text = str(error)[:200]
    if error.permanent or message.attempts >= MAX_ATTEMPTS:
        with transaction.atomic():
            if release(
                Message, message.pk, worker_id, state=Message.State.FAILED, failed_at=now, last_error=text
            ):
                message.refresh_from_db()
                for callback in ON_FAILED:
                    callback(message)
        log.warning("message %s failed for good after %d attempts", message.pk, message.attempts)
        return Message.State.FAILED
    wait = RETRY_BASE * 2 ** (message.attempts - 1)
    release(Message, message.pk, worker_id, state=Message.State.QUEUED, due_at=now + wait, last_error=text)
    log.info("message %s: temporary failure, retry in %ds", message.pk, wait.total_seconds())
    return Message.State.QUEUED


# --- Inbound -----------------------------------------------------------------------------------------------
def inbound_record(*, provider: str, kind: str, dedupe_key: str, payload: dict) -> tuple[InboundEvent, bool]:
    """Keep a webhook as it came. (event, False) when this delivery was seen before: a repeat is a no-op."""
    sealed = seal(json.dumps(payload, sort_keys=True, default=str).encode(), purpose="messaging.inbound")
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                provider=provider,
                kind=kind,
                dedupe_key=f"{provider}:{dedupe_key}"[:160],
                payload_sealed=sealed,
            )
    except IntegrityError:
        return InboundEvent.objects.get(dedupe_key=f"{provider}:{dedupe_key}"[:160]), False
    return event, True


def inbound_refused(*, provider: str, reason: str, payload: dict) -> None:
    """A webhook refused (bad signature, address not allowed): kept, sealed, and audited."""
    import secrets

    inbound_record(
        provider=provider,
        kind=InboundEvent.Kind.REFUSED,
        dedupe_key=f"refused:{secrets.token_hex(8)}",
        payload=payload,
    )
    audit_record(
        actor=None, action="messaging.webhook.refused", details={"provider": provider, "reason": reason}
    )
    log.warning("refused a %s webhook: %s", provider, reason)


def _outcome(event: InboundEvent, outcome: str) -> str:
    InboundEvent.objects.filter(pk=event.pk).update(outcome=outcome)
    return outcome


def _helpline_team(number: str):
    from crisisline.network.models import Helpline

    try:
        number = to_e164(number)
    except InvalidPhoneNumber:
        return None
    helpline = Helpline.objects.select_related("team").filter(number=number).first()
    return helpline.team if helpline else None


def inbound_sms(
    *, provider: str, sender: str, recipient: str, text: str, event_key: str, payload: dict
) -> str:
    """An SMS arrived. From a team member: a reply to a page ("1 C7K3P"). From anyone else, on a team's
    helpline: a call-back crisis. Otherwise: noted as unknown, with no answer that reveals anything."""
    event, new = inbound_record(
        provider=provider, kind=InboundEvent.Kind.SMS, dedupe_key=event_key, payload=payload
    )
    if not new:
        return event.outcome or "repeat"
    try:
        sender = to_e164(sender)
    except InvalidPhoneNumber:
        return _outcome(event, "bad_sender")
    with transaction.atomic():
        for person in people_at_number(sender):
            for callback in ON_REPLY:
                outcome = callback(person=person, text=text, event=event)
                if outcome:
                    return _outcome(event, outcome)
        team = _helpline_team(recipient)
        if team is None:
            return _outcome(event, "unknown_number")
        return _outcome(event, _call_back(team=team, caller=sender, via="sms"))


def inbound_missed_call(*, provider: str, caller: str, called: str, event_key: str, payload: dict) -> str:
    """A missed call on a team's helpline: a call-back crisis, and the on-call call receiver is paged."""
    event, new = inbound_record(
        provider=provider, kind=InboundEvent.Kind.MISSED_CALL, dedupe_key=event_key, payload=payload
    )
    if not new:
        return event.outcome or "repeat"
    team = _helpline_team(called)
    if team is None:
        return _outcome(event, "unknown_number")
    with transaction.atomic():
        return _outcome(event, _call_back(team=team, caller=caller, via="missed_call"))


def _call_back(*, team, caller: str, via: str) -> str:
    from crisisline.crises.services import call_back_open

    opened = call_back_open(team=team, phone=caller, via=via)
    return f"call_back:{opened.crisis.reference}"


RECEIPT_STATES = {
    "delivered": Message.State.DELIVERED,
    "failed": Message.State.FAILED,
    "sent": Message.State.SENT,
}


def voice_script(*, token: str) -> Message | None:
    """The message a voice call reads out, found by its token (the provider fetches it when the call is
    answered)."""
    return Message.objects.filter(token=token, channel=Channel.VOICE).select_related("page").first()


def inbound_voice_key(*, provider: str, token: str, digit: str, event_key: str, payload: dict) -> str:
    """A key pressed during a voice page: 1 accepts, 2 cannot go."""
    event, new = inbound_record(
        provider=provider, kind=InboundEvent.Kind.VOICE, dedupe_key=event_key, payload=payload
    )
    if not new:
        return event.outcome or "repeat"
    message = voice_script(token=token)
    if message is None or message.page_id is None:
        return _outcome(event, "unknown_call")
    with transaction.atomic():
        for callback in ON_VOICE_KEY:
            outcome = callback(message=message, digit=digit.strip()[:1])
            if outcome:
                return _outcome(event, outcome)
    return _outcome(event, "ignored")


def inbound_receipt(
    *, provider: str, provider_message_id: str, state: str, event_key: str, payload: dict
) -> str:
    """A delivery report: delivered, or failed/undelivered (which moves the page to the next channel)."""
    event, new = inbound_record(
        provider=provider, kind=InboundEvent.Kind.RECEIPT, dedupe_key=event_key, payload=payload
    )
    if not new:
        return event.outcome or "repeat"
    message = Message.objects.filter(provider=provider, provider_message_id=provider_message_id).first()
    if message is None or state not in RECEIPT_STATES:
        return _outcome(event, "unknown_message" if message is None else "ignored")
    now = timezone.now()
    with transaction.atomic():
        if state == "delivered":
            Message.objects.filter(pk=message.pk).exclude(state=Message.State.FAILED).update(
                state=Message.State.DELIVERED, delivered_at=now
            )
        elif state == "failed":
            done = (
                Message.objects.filter(pk=message.pk)
                .exclude(state=Message.State.FAILED)
                .update(
                    state=Message.State.FAILED,
                    failed_at=now,
                    last_error="the provider reported it undelivered",
                )
            )
            if done:
                message.refresh_from_db()
                for callback in ON_FAILED:
                    callback(message)
    return _outcome(event, state)
