"""Keep identity numbers out of the application log (UU 27/2022 PDP): mask every 16-digit run."""

import logging
import re

ID_NUMBER = re.compile(r"(?<!\d)(\d{4})\d{12}(?!\d)")


def mask_identity_numbers(text: str) -> str:
    """Return `text` with each 16-digit number (NIK, KK) cut to its region prefix: 1901************."""
    return ID_NUMBER.sub(lambda m: m.group(1) + "*" * 12, text)


class MaskIdentityNumbers(logging.Filter):
    """Rewrite the record's message, traceback and stack in place, so that every later handler sees it masked."""

    def filter(self, record):
        record.msg, record.args = mask_identity_numbers(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_identity_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_identity_numbers(record.stack_info)
        return True
