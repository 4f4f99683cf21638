import logging

import phonenumbers
import pytest

from crisisline.lib.logs import ScrubIdentifiers, scrub
from crisisline.lib.phones import (
    DEMO_NUMBERS_AVAILABLE,
    InvalidPhoneNumber,
    demo_number,
    is_demo_number,
    masked,
    to_e164,
)


def test_indian_numbers_in_the_ways_people_write_them_become_e164():
    assert to_e164("098450 12345") == "+919845012345"
    assert to_e164("+91 98450-12345") == "+919845012345"
    assert to_e164("9845012345") == "+919845012345"


@pytest.mark.parametrize("text", ["", "   ", "call me", "12345", "+91 02345 67890", "+91 98450 1234"])
def test_malformed_numbers_are_refused_without_repeating_them(text):
    with pytest.raises(InvalidPhoneNumber) as refused:
        to_e164(text)
    assert text.strip() == "" or text not in str(refused.value)


def test_every_demo_number_is_valid_and_recognised_as_demo():
    numbers = [demo_number(i) for i in range(DEMO_NUMBERS_AVAILABLE)]
    assert len(set(numbers)) == DEMO_NUMBERS_AVAILABLE
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(n)) for n in numbers)
    assert all(is_demo_number(n) for n in numbers)
    assert not is_demo_number("+919845012345")
    with pytest.raises(ValueError):
        demo_number(DEMO_NUMBERS_AVAILABLE)


def test_masked_shows_only_the_ends():
    assert masked("+919845012345") == "+91•••••••345"


def test_logs_never_carry_a_phone_number_even_inside_an_exception():
    assert scrub("caller +91 98450 12345 rang at 02:10 on 2026-11-28") == (
        "caller [number removed] rang at 02:10 on 2026-11-28"
    )
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "from %s", ("9845012345",), None)
    try:
        raise ValueError("bad number 09845012345")
    except ValueError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    ScrubIdentifiers().filter(record)
    formatted = logging.Formatter().format(record)
    assert "9845012345" not in formatted
    assert "ValueError" in formatted and "[number removed]" in formatted
