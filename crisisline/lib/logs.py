"""Log hygiene: nothing that looks like a phone number leaves the process in a log line.

Code must not log identities in the first place; this filter is the second line of defence for the case
where an exception message or a library quotes one."""

from __future__ import annotations

import logging
import re
import traceback

# Seven or more digits, optionally with a leading + and separators: phone numbers, not counts, years or
# ISO dates.
_PHONE = re.compile(r"(?<![\d-])(?!\d{4}-\d\d-\d\d\b)\+?\d(?:[\s\-().]?\d){6,}")


def scrub(text: str) -> str:
    return _PHONE.sub("[number removed]", text)


class ScrubIdentifiers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # The formatter uses exc_text when it is set, so the scrubbed trace is what gets written.
            record.exc_text = scrub("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return True
