"""Fixtures of the epidemic tests: Beima's gate and its volunteer."""

from __future__ import annotations

from typing import Any

import pytest

from villageaid.core.roles import Role
from villageaid.epidemic.models import Checkpoint
from villageaid.epidemic.tests.samples import checkpoint_in


@pytest.fixture
def gate(areas: dict[str, Any]) -> Checkpoint:
    return checkpoint_in(areas["village"])


@pytest.fixture
def neighbour_gate(areas: dict[str, Any]) -> Checkpoint:
    return checkpoint_in(areas["neighbour"], "南马村卡口")


@pytest.fixture
def volunteer(make_user: Any) -> Any:
    return make_user(Role.GATE)
