"""Logging filter that masks anything shaped like a resident ID number."""

from __future__ import annotations

import logging
import re

ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9])")


def redact(text: str) -> str:
    return ID_PATTERN.sub(lambda m: m.group(1) + "********" + m.group(3), text)


class RedactIdNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
