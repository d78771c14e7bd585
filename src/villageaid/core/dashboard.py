"""The landing page: what each role acts on today.

Apps contribute cards by registering a provider; the landing page asks every
provider for the user's cards, so ``core`` imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Card:
    title: str
    count: int | None = None
    url: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    tone: str = "primary"


Provider = Callable[[Any], list[Card]]
_PROVIDERS: list[Provider] = []


def provider(func: Provider) -> Provider:
    _PROVIDERS.append(func)
    return func


def today_for(user: Any) -> list[Card]:
    cards: list[Card] = []
    for func in _PROVIDERS:
        cards.extend(func(user))
    return cards
