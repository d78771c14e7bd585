"""Issue 18, finding 8: no log line the product writes carries an ID number, a mobile
number or the raw search term of a ``?q=`` query, access logs included."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from villageaid.core.logging import RedactPersonalData, redact

ID18 = "11010519491231002X"
ID15 = "110105491231002"
PHONE = "13812345678"


@pytest.mark.parametrize(
    ("line", "hidden", "kept"),
    [
        (f"GET /registry/?q={ID18} HTTP/1.1", [ID18, "19491231"], ["GET /registry/"]),
        (f"GET /registry/?page=2&q={ID15}&x=1", [ID15], ["page=2", "x=1"]),
        (f"called {PHONE} back", [PHONE], ["138****5678"]),
        (f"id={ID18.lower()};", [ID18.lower()], ["110105********002x"]),
        ("GET /registry/?q=%E5%BC%A0%E4%B8%89 HTTP/1.1", ["%E5%BC%A0"], ["q=***"]),
        ("GET /api/v1/sales/orders?search=zhang&lot=3", ["zhang"], ["lot=3"]),
    ],
)
def test_redact_masks_ids_phones_and_search_terms(
    line: str, hidden: list[str], kept: list[str]
) -> None:
    masked = redact(line)
    for value in hidden:
        assert value not in masked
    for value in kept:
        assert value in masked


def test_redact_leaves_other_numbers_alone() -> None:
    line = "area 370602001001 lot 42 took 1733300000123 ms; 2026-12-04 10:00:00"
    assert redact(line) == line


def test_the_filter_masks_a_dict_formatted_record() -> None:
    """Gunicorn's access log formats its line from a mapping of atoms."""
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(s)s", None, None
    )
    record.args = {"r": f"GET /registry/?q={ID18} HTTP/1.1", "s": "200"}
    assert RedactPersonalData().filter(record) is True
    assert ID18 not in record.getMessage() and "200" in record.getMessage()


def _handlers() -> list[tuple[str, logging.Handler]]:
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [
        (logger.name, handler)
        for logger in loggers
        for handler in logger.handlers
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)  # libraries' "write nothing" default
    ]


def test_every_configured_handler_carries_the_filter() -> None:
    found = _handlers()
    assert any(name == "django.server" for name, _ in found)  # runserver's access log
    for name, handler in found:
        assert any(isinstance(f, RedactPersonalData) for f in handler.filters), name


def test_a_handler_added_later_still_gets_masked_text() -> None:
    """A library's logger and handler set up after the app started (py4j, amqtt…)."""
    import io

    stream = io.StringIO()
    logger = logging.getLogger("villageaid.test.late")
    logger.addHandler(logging.StreamHandler(stream))
    logger.propagate = False
    logger.warning("lookup %s by %s", ID18, PHONE)
    assert ID18 not in stream.getvalue() and PHONE not in stream.getvalue()
    assert "110105********002X" in stream.getvalue()


def test_gunicorn_handlers_carry_the_filter(tmp_path: Path) -> None:
    from gunicorn.config import Config

    from villageaid.core.logging import gunicorn_logger_class

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    cfg.set("logger_class", gunicorn_logger_class())
    log = cfg.logger_class(cfg)
    for logger in (log.access_log, log.error_log):
        assert logger.handlers
        for handler in logger.handlers:
            assert any(isinstance(f, RedactPersonalData) for f in handler.filters)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_access_log_masks_a_real_request(tmp_path: Path) -> None:
    """A real request through ``villageaid serve`` (gunicorn) and its access log file."""

    port, log = _free_port(), tmp_path / "access.log"
    env = {
        **os.environ,
        "VILLAGEAID_TESTING": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    command = [sys.executable, "-m", "villageaid", "serve", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--threads", "1", "--access-log", str(log)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/registry/?q={ID18}&phone={PHONE}&page=2"
        _get_when_up(url, server)
        text = _wait_for(log)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "/registry/" in text and "page=2" in text
    assert ID18 not in text and PHONE not in text and "19491231" not in text


def _get_when_up(url: str, server: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode()[-2000:]
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 (a local URL)
            return
        except urllib.error.HTTPError:
            return  # any answer was logged
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not answer")


def _wait_for(path: Path) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.1)
    raise AssertionError("no access log line")


def test_handlers_made_by_a_second_setup_carry_the_filter() -> None:
    """An in-process ``django.setup()`` (a management command run from code) configures
    logging again, Django's own ``django`` handlers included."""
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    for name, handler in _handlers():
        assert any(isinstance(f, RedactPersonalData) for f in handler.filters), name
