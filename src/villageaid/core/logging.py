"""Masking of personal data in every log line the product writes (issue 18, finding 8).

ID numbers (18 and 15 digits), mobile numbers and the values of search parameters
(``?q=``) are masked by a filter that sits on every handler: the ones ``settings.LOGGING``
configures and Django's own (``install``, run when the core app is ready), and
gunicorn's access and error logs under ``villageaid serve`` (``gunicorn_logger_class``).
Waitress writes no access log; its messages go through the root handlers.
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

ID_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{8})([0-9]{3}[0-9Xx])(?![0-9])")
# First-generation ID cards: 6-digit place, YYMMDD, 3-digit sequence.
ID15_PATTERN = re.compile(r"(?<![0-9])([1-9][0-9]{5})([0-9]{6})([0-9]{3})(?![0-9])")
MOBILE_PATTERN = re.compile(r"(?<![0-9])(1[3-9][0-9])([0-9]{4})([0-9]{4})(?![0-9])")
# A search term may be a name, an ID or a phone number: never written as typed.
SEARCH_PARAMETER = re.compile(r"([?&](?:q|query|search|keyword)=)([^&#\s\"']*)", re.IGNORECASE)


def redact(text: str) -> str:
    text = SEARCH_PARAMETER.sub(lambda m: m.group(1) + ("***" if m.group(2) else ""), text)
    text = ID_PATTERN.sub(lambda m: m.group(1) + "********" + m.group(3), text)
    text = ID15_PATTERN.sub(lambda m: m.group(1) + "******" + m.group(3), text)
    return MOBILE_PATTERN.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


RedactIdNumbers = RedactPersonalData  # the name settings.LOGGING used first


def _guard(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
        handler.addFilter(RedactPersonalData())


def install() -> None:
    """Put the filter on every handler of every logger configured so far, and mask every
    record as it is made, so a handler a library adds later (py4j, amqtt…) gets masked
    text too (records are made only for enabled levels, so this costs one pass per line)."""
    loggers: list[Any] = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    for logger in loggers:
        for handler in getattr(logger, "handlers", ()):
            _guard(handler)
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "redacts", False):
        logging.setLogRecordFactory(_redacting(factory))


def configure(config: dict[str, Any]) -> None:
    """``settings.LOGGING_CONFIG``: Django configures its defaults and then calls this on
    every ``django.setup()`` (a management command run in process sets logging up again),
    so the handlers made each time get the filter, not only those of the first start."""
    import logging.config

    logging.config.dictConfig(config)
    install()


def _redacting(factory: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = factory(*args, **kwargs)
        with contextlib.suppress(TypeError, ValueError, KeyError):  # a malformed call:
            RedactPersonalData().filter(record)  # logging reports it when it is emitted
        return record

    make.redacts = True  # type: ignore[attr-defined]
    return make


def gunicorn_logger_class() -> type:
    """Gunicorn's logger, with the filter on the handlers its ``setup`` makes (the
    access log among them); gunicorn is imported only here (it is absent on Windows)."""
    from gunicorn.glogging import Logger

    class RedactingLogger(Logger):
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    _guard(handler)

    return RedactingLogger
