"""The navigation menu: entries registered by apps, grouped into sections by what a role
does, and offered only when the user may open them.

An app registers :class:`Entry` objects (``navigation.register``); each entry belongs to a
:class:`Section` (by default the one its module works in). A user's menu is the sections
that keep at least one entry, in order: a section with one entry is a plain link, with more
a dropdown (a drop-up in the phone's bottom bar). No role sees more than
:data:`MAX_TOP` sections; the entries of the system section (areas, policy versions) sit in
the account menu instead.

Whether an entry is offered is decided by :func:`villageaid.core.access.may_open`, the
declaration the view itself enforces, so the menu never links to a page that answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from villageaid.core import access, roles

# No role sees more top entries than this (desk bar and phone bottom bar).
MAX_TOP = 7


@dataclass(frozen=True)
class Section:
    key: str
    label: Any
    short: Any  # the phone's bottom bar: two characters
    order: int


TODAY, HOUSEHOLDS, CASES, VISITS, INDUSTRY, EPIDEMIC, REPORTS, SYSTEM = (
    "today",
    "households",
    "cases",
    "visits",
    "industry",
    "epidemic",
    "reports",
    "system",
)

SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section(TODAY, _("今日"), _("今日"), 0),
        Section(HOUSEHOLDS, _("农户"), _("农户"), 10),
        Section(CASES, _("线索与帮扶"), _("帮扶"), 20),
        Section(VISITS, _("走访"), _("走访"), 30),
        Section(INDUSTRY, _("产业"), _("产业"), 40),
        Section(EPIDEMIC, _("防疫"), _("防疫"), 60),
        Section(REPORTS, _("报表"), _("报表"), 80),
        Section(SYSTEM, _("系统设置"), _("设置"), 90),
    )
}

# Where an entry goes when its app names no section: the section its module works in.
MODULE_SECTION: dict[str, str] = {
    roles.Module.CORE: SYSTEM,
    roles.Module.REGISTRY: HOUSEHOLDS,
    roles.Module.SCREENING: CASES,
    roles.Module.CASES: CASES,
    roles.Module.VISITS: VISITS,
    roles.Module.GREENHOUSE: INDUSTRY,
    roles.Module.SALES: INDUSTRY,
    roles.Module.EPIDEMIC: EPIDEMIC,
    roles.Module.REPORTS: REPORTS,
}


@dataclass(frozen=True)
class Entry:
    """A menu entry. ``module``/``action`` may narrow it further than the view's own
    declaration (a page every reader may open, offered only to those who write there);
    the view's declaration always applies."""

    label: Any
    url_name: str
    module: str = ""
    action: str = roles.VIEW
    order: int = 50
    section: str = ""

    @property
    def section_key(self) -> str:
        return self.section or MODULE_SECTION.get(self.module, TODAY)


_ENTRIES: list[Entry] = [
    Entry(_("今日待办"), "home", "", order=0, section=TODAY),
    Entry(_("行政区划"), "areas", roles.Module.CORE, roles.ADMIN, order=95, section=SYSTEM),
    Entry(_("政策版本"), "policy-list", roles.Module.CASES, order=96, section=SYSTEM),
]


def register(entry: Entry) -> None:
    if entry.section_key not in SECTIONS:
        raise ValueError(f"unknown navigation section {entry.section_key!r}")
    _ENTRIES.append(entry)


def entries() -> list[Entry]:
    return sorted(_ENTRIES, key=lambda e: (SECTIONS[e.section_key].order, e.order))


def _offered(user: Any, entry: Entry) -> str | None:
    """The entry's URL when the user may open it, else None."""
    try:
        url = reverse(entry.url_name)
    except NoReverseMatch:
        return None
    if entry.module and not access.allowed(user, entry.module, entry.action):
        return None
    if not access.may_open(user, url):
        return None
    return url


def menu_for(user: Any, current: str = "") -> list[dict[str, Any]]:
    """The user's sections: ``[{key, label, short, url, active, items: [{label, url, name,
    active}]}]``; ``current`` is the URL name of the page shown (marks the active entry)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    role = getattr(user, "role", "")
    grouped: dict[str, list[dict[str, Any]]] = {}
    for entry in entries():
        url = _offered(user, entry)
        if url is None:
            continue
        item = {
            "label": entry.label,
            "url": url,
            "name": entry.url_name,
            "active": entry.url_name == current,
        }
        grouped.setdefault(entry.section_key, []).append(item)
        # A role whose day starts elsewhere (roles.LANDING) finds that page under 今日 too.
        if entry.url_name == roles.LANDING.get(role) and entry.section_key != TODAY:
            grouped.setdefault(TODAY, []).append({**item, "active": False})
    sections = []
    for key, items in grouped.items():
        section = SECTIONS[key]
        sections.append(
            {
                "key": key,
                "label": section.label,
                "short": section.short,
                "order": section.order,
                "url": items[0]["url"],
                "active": any(i["active"] for i in items),
                "items": items,
            }
        )
    sections.sort(key=lambda s: s["order"])
    return sections


def top_and_account(user: Any, current: str = "") -> tuple[list[dict[str, Any]], list[Any]]:
    """The top sections (at most :data:`MAX_TOP`) and the entries that go to the account menu
    (the system section, and any section beyond the limit)."""
    sections = menu_for(user, current)
    top = [s for s in sections if s["key"] != SYSTEM]
    account = [item for s in sections if s["key"] == SYSTEM for item in s["items"]]
    for extra in top[MAX_TOP:]:
        account.extend(extra["items"])
    return top[:MAX_TOP], account


def all_links(user: Any) -> list[str]:
    """Every URL the user's menu offers (top, dropdowns and the account menu)."""
    top, account = top_and_account(user)
    return [i["url"] for s in top for i in s["items"]] + [i["url"] for i in account]
