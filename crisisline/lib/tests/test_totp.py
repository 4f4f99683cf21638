from datetime import UTC, datetime

from crisisline.lib.totp import code_at, matching_step, new_secret, provisioning_uri, step_at

# RFC 6238, appendix B: the SHA-1 test key "12345678901234567890", in base32.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def test_codes_match_the_rfc_6238_test_vectors():
    # The RFC gives 8 digits; authenticator apps show the last 6.
    cases = {59: "94287082", 1111111109: "07081804", 1234567890: "89005924", 2000000000: "69279037"}
    for seconds, eight in cases.items():
        assert code_at(RFC_SECRET, datetime.fromtimestamp(seconds, UTC)) == eight[-6:]


def test_a_code_is_accepted_one_step_either_side_and_not_beyond():
    moment = datetime(2026, 11, 28, 2, 10, 15, tzinfo=UTC)
    now = step_at(moment)
    for drift in (-1, 0, 1):
        code = code_at(RFC_SECRET, datetime.fromtimestamp((now + drift) * 30, UTC))
        assert matching_step(RFC_SECRET, code, moment) == now + drift
    too_old = code_at(RFC_SECRET, datetime.fromtimestamp((now - 2) * 30, UTC))
    assert matching_step(RFC_SECRET, too_old, moment) is None
    assert matching_step(RFC_SECRET, "12a456", moment) is None
    assert matching_step(RFC_SECRET, "", moment) is None


def test_new_secrets_are_random_base32_and_the_uri_names_no_one():
    secret = new_secret()
    assert len(secret) == 32 and secret != new_secret()
    uri = provisioning_uri(secret, account="kamys01.lead")
    assert uri.startswith("otpauth://totp/Crisisline%3Akamys01.lead?secret=") and "issuer=Crisisline" in uri
