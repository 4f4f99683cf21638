"""Passwords are hashed with Argon2 at its full cost in the real settings, and checked against the
validators (length, common passwords, all digits, too like the username)."""

import pytest
from django.conf import settings as real_settings
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from crisisline.people.models import Person

PRODUCTION_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


def test_the_settings_hash_with_argon2_only():
    # The suite swaps in a cheaper Argon2 (conftest.py); the settings module itself must name the real one.
    import crisisline.settings as module

    assert module.PASSWORD_HASHERS == PRODUCTION_HASHERS
    assert real_settings.AUTH_PASSWORD_VALIDATORS == module.AUTH_PASSWORD_VALIDATORS


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_a_stored_password_is_a_full_cost_argon2id_hash():
    person = Person.objects.create_user(username="rani", password="a long passphrase of words")
    assert person.password.startswith("argon2$argon2id$")
    hasher = get_hasher("argon2")
    assert isinstance(hasher, Argon2PasswordHasher) and hasher.memory_cost >= 102400
    assert person.check_password("a long passphrase of words")
    assert not person.check_password("a long passphrase of word")


@pytest.mark.parametrize(
    "password",
    ["short1", "password123", "12345678901234", "rani-crisisline"],
    ids=["short", "common", "digits", "username"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, user=Person(username="rani-crisisline"))
