"""Markers of the proof suites; fixtures come from villageaid.testing (root conftest.py)."""

from typing import Any


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "drill: a long failure drill, left out of `-m slow` runs")
