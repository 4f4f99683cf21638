"""Sealing under master keys and data keys: opens only with the right key and purpose; rotates."""

import pytest

from crisisline.lib import crypto


@pytest.fixture
def two_master_keys(settings):
    """A keyring after a rotation: a new key first, the old one still there to open older values."""
    old = settings.MASTER_KEYS[0]
    new = bytes(range(32))
    crypto._keyring.cache_clear()
    settings.MASTER_KEYS = [new, old]
    yield new, old
    crypto._keyring.cache_clear()


def test_sealed_values_open_only_for_their_purpose():
    token = crypto.seal(b"JBSWY3DP", purpose="totp")
    assert crypto.unseal(token, purpose="totp") == b"JBSWY3DP"
    assert b"JBSWY3DP" not in token.encode()
    with pytest.raises(crypto.CryptoError, match="another purpose"):
        crypto.unseal(token, purpose="data-key")


@pytest.mark.parametrize("token", ["", "v1.abc", "v1.ffffffffffff.AAAA", "garbage"])
def test_malformed_or_foreign_tokens_are_refused_cleanly(token):
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(token, purpose="totp")


def test_a_tampered_token_is_refused():
    import base64

    token = crypto.seal(b"secret", purpose="totp")
    head, body = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[len(raw) // 2] ^= 0x01  # one bit of the ciphertext
    with pytest.raises(crypto.CryptoError):
        crypto.unseal(head + "." + base64.urlsafe_b64encode(bytes(raw)).decode(), purpose="totp")


def test_data_keys_seal_text_and_files_and_survive_a_master_key_rotation(settings):
    key, wrapped = crypto.new_data_key()
    name = crypto.seal_with(key, "मीना", purpose="client.name")
    blob = crypto.seal_bytes_with(key, b"%PDF-1.7 medical paper", purpose="attachment")
    assert crypto.open_with(crypto.unwrap(wrapped), name, purpose="client.name") == "मीना"
    assert crypto.seal_with(key, "", purpose="client.name") == ""

    crypto._keyring.cache_clear()
    settings.MASTER_KEYS = [bytes(range(32)), *settings.MASTER_KEYS]
    try:
        assert crypto.current_key_id() not in wrapped
        rewrapped = crypto.rewrap(wrapped)
        assert rewrapped.split(".")[1] == crypto.current_key_id() and rewrapped != wrapped
        same_key = crypto.unwrap(rewrapped)
        assert crypto.open_with(same_key, name, purpose="client.name") == "मीना"
        assert crypto.open_bytes_with(same_key, blob, purpose="attachment") == b"%PDF-1.7 medical paper"
        # Once the old master key is retired, what it wrapped can no longer be opened: that is what makes
        # an erasure final in old backups too.
        settings.MASTER_KEYS = settings.MASTER_KEYS[:1]
        crypto._keyring.cache_clear()
        with pytest.raises(crypto.CryptoError, match="unknown key"):
            crypto.unwrap(wrapped)
    finally:
        crypto._keyring.cache_clear()


def test_the_wrong_data_key_or_purpose_does_not_open(two_master_keys):
    key, _ = crypto.new_data_key()
    other, _ = crypto.new_data_key()
    token = crypto.seal_with(key, "+919845012345", purpose="client.phone")
    with pytest.raises(crypto.CryptoError):
        crypto.open_with(other, token, purpose="client.phone")
    with pytest.raises(crypto.CryptoError):
        crypto.open_with(key, token, purpose="client.name")


def test_keyed_digests_are_stable_and_depend_on_purpose():
    a = crypto.keyed_digest(b"+919845012345", purpose="phone")
    assert a == crypto.keyed_digest(b"+919845012345", purpose="phone")
    assert a != crypto.keyed_digest(b"+919845012345", purpose="invitation")
    assert "9845012345" not in a
