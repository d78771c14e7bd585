"""Fixtures for the proof suites in ``tests/``: the same ones as the apps' tests."""

from typing import Any

from villageaid.conftest import *  # noqa: F403


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "drill: a long failure drill, left out of `-m slow` runs")
