"""Roles and what each may do, per module. The policy table lives here and is
read only by :mod:`villageaid.core.access`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇")
    CADRE = "cadre", _("村干部")
    HELPER = "helper", _("帮扶责任人")
    GRID = "grid", _("网格员")
    ASSESSOR = "assessor", _("第三方评估")
    TECH = "tech", _("园区技术员")
    SALES = "sales", _("销售")
    GATE = "gate", _("卡口值守")


class Module(models.TextChoices):
    CORE = "core", _("系统")
    REGISTRY = "registry", _("农户")
    SCREENING = "screening", _("筛查")
    CASES = "cases", _("监测帮扶")
    VISITS = "visits", _("走访")
    GREENHOUSE = "greenhouse", _("大棚")
    SALES = "sales", _("销售")
    EPIDEMIC = "epidemic", _("防疫")
    REPORTS = "reports", _("成绩单")


# Actions: "view", "edit", "admin" (configure the module: rules, catalogues,
# users), "reveal" (see full ID numbers), "export", "assess" (record findings of a
# self-assessment campaign on its sampled households: the third-party assessor's one
# write, without the village's editing rights), "approve" (a township's approval of a
# household's move between villages, for the villages of its township).
VIEW, EDIT, ADMIN, REVEAL, EXPORT = "view", "edit", "admin", "reveal", "export"
ASSESS = "assess"
APPROVE = "approve"

ALL = frozenset({VIEW, EDIT, ADMIN, REVEAL, EXPORT, ASSESS, APPROVE})
READ = frozenset({VIEW})
WORK = frozenset({VIEW, EDIT, EXPORT})

POLICY: dict[str, dict[str, frozenset[str]]] = {
    Role.ADMIN: {m: ALL for m in Module.values},
    Role.CITY: {
        **{m: READ | {EXPORT} for m in Module.values if m != Module.CORE},
        Module.VISITS: WORK | {ASSESS},
        Module.REPORTS: WORK,
    },
    Role.COUNTY: {
        **{m: READ | {EXPORT} for m in Module.values if m != Module.CORE},
        Module.REGISTRY: WORK | {REVEAL},
        Module.SCREENING: WORK | {ADMIN},
        Module.CASES: WORK | {REVEAL},
        Module.VISITS: WORK | {ASSESS},
        Module.REPORTS: WORK,
    },
    Role.TOWNSHIP: {
        **{m: READ | {EXPORT} for m in Module.values if m != Module.CORE},
        Module.REGISTRY: READ | {EXPORT, APPROVE},
        Module.CASES: WORK,
        Module.VISITS: WORK,
        Module.EPIDEMIC: WORK,
        Module.REPORTS: WORK,
    },
    Role.CADRE: {
        Module.REGISTRY: WORK | {REVEAL},
        Module.SCREENING: READ,
        Module.CASES: WORK,
        Module.VISITS: WORK,
        Module.EPIDEMIC: WORK,
        Module.GREENHOUSE: READ,
        Module.SALES: READ,
        Module.REPORTS: READ | {EXPORT},
    },
    Role.HELPER: {Module.REGISTRY: READ, Module.VISITS: WORK, Module.CASES: READ | {EDIT}},
    Role.GRID: {
        Module.REGISTRY: READ,
        Module.VISITS: WORK,
        Module.CASES: READ | {EDIT},
        Module.EPIDEMIC: READ | {EDIT},  # returnees' daily checks in the grid (网格化管理)
    },
    Role.ASSESSOR: {Module.REGISTRY: READ, Module.VISITS: READ | {ASSESS}},
    Role.TECH: {Module.GREENHOUSE: WORK | {ADMIN}, Module.SALES: READ},
    Role.SALES: {Module.SALES: WORK, Module.GREENHOUSE: READ},
    Role.GATE: {Module.EPIDEMIC: WORK},
}

# Where each role lands after login (URL names).
LANDING: dict[str, str] = {
    Role.ADMIN: "home",
    Role.CITY: "home",
    Role.COUNTY: "home",
    Role.TOWNSHIP: "home",
    Role.CADRE: "home",
    Role.HELPER: "visits-today",
    Role.GRID: "home",
    Role.ASSESSOR: "campaign-list",
    Role.TECH: "greenhouse-park",
    Role.SALES: "sales-today",
    Role.GATE: "epidemic-gate",
}
