"""How people, households and users are named on a page (issue 21): households by their head and
group (张三户（二组）) with the code only as secondary text, people by their names (masked for a
role that may not see them), users by their display names. The one place for it: templates use
the ``names`` template tags, which call these functions.

A household's head is kept on the household row (``Household.head_name``), refreshed by the
registry's writes through :func:`heads_refresh`, so a list that selects its households with
``select_related`` names every row without a query per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from villageaid.core import access, pii, roles

__all__ = [
    "HEAD",
    "heads_refresh",
    "household_name",
    "may_see_names",
    "person_name",
    "user_name",
]

HEAD = "01"  # 与户主关系: 户主 (INTERFACES 2.1)
CHUNK = 2000


def household_name(household: Any) -> str:
    """``张三户（二组）``; ``张三户`` without a group; the village's ``未登记户主`` without a head."""
    head = getattr(household, "head_name", "") or ""
    group = pii.public_text(getattr(household, "group_name", "") or "")
    name = _("%(head)s户") % {"head": head} if head else _("未登记户主")
    return _("%(name)s（%(group)s）") % {"name": name, "group": group} if group else name


def mask_name(name: str) -> str:
    """``张三丰`` to ``张＊＊``: the family name stays, the given name does not."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "＊" * max(len(name) - 1, 1)


def may_see_names(user: Any) -> bool:
    """Whether the user may see residents' names: those who may view the registry."""
    return bool(user is not None and access.allowed(user, roles.Module.REGISTRY, roles.VIEW))


def person_name(person_or_name: Any, user: Any = None) -> str:
    """A person's name, masked (``张＊＊``) for a user who may not see residents' names."""
    name = getattr(person_or_name, "name", person_or_name) or ""
    if user is not None and not may_see_names(user):
        return mask_name(str(name))
    return str(name)


def user_name(user: Any) -> str:
    """A user's display name (the full name), else the login name; ``—`` for nobody."""
    if user is None:
        return "—"
    full = (user.get_full_name() if hasattr(user, "get_full_name") else "") or ""
    return full.strip() or str(getattr(user, "username", "") or user)


def heads_refresh(household_ids: Iterable[int]) -> None:
    """Set ``head_name`` of these households from their members: the head (与户主关系 01),
    an active one before a deceased or moved-out one ("active" sorts first)."""
    from villageaid.registry.models import Household, Person

    ids = sorted(set(household_ids))
    head = (
        Person.objects.filter(household_id=OuterRef("pk"), relationship=HEAD)
        .order_by("status", "pk")
        .values("name")[:1]
    )
    for start in range(0, len(ids), CHUNK):
        Household.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            head_name=Coalesce(Subquery(head), Value(""))
        )
