"""What reads people and their API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from crisisline.people.models import ApiToken, Person


def person_by_username(*, username: str) -> Person | None:
    return Person.objects.filter(username=username).first()


def token_list(*, person: Person | None = None) -> QuerySet[ApiToken]:
    """API tokens, oldest first, of one person or of everyone; revoked ones too, to audit them."""
    tokens = ApiToken.objects.select_related("person").order_by("created_at", "pk")
    if person is not None:
        tokens = tokens.filter(person=person)
    return tokens
