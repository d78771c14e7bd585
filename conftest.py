"""Registers the shared fixtures and hooks (src/villageaid/testing.py) for src/ and tests/."""

pytest_plugins = ["villageaid.testing"]
