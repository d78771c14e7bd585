"""Every page and API operation, with the matrix action it stands for (written by hand, not
read from the views' declarations), and for writes a body that succeeds when allowed.

``target`` names the record a URL acts on: ``"mine"`` URLs are also tried on the matching
"theirs" record (the not-mine relation); ``None`` marks a URL without a record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from villageaid.core.tests.matrix_world import TODAY, World

Body = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Spec:
    name: str  # URL name (pages) or "api:<operation>" / "api:<operation>:<verb>"
    module: str
    action: str
    method: str = "GET"
    kwargs: Callable[[World, str], dict[str, Any]] | None = None  # pages
    path: Callable[[World, str], str] | None = None  # API
    body: Body | None = None
    bound: bool = False  # the record belongs to a household (has a not-mine twin)
    step: str = ""
    also: tuple[tuple[str, str], ...] = ()
    label: str = ""
    # Lists: the household code that shows the record is listed (checked against the reach).
    shows: str = ""
    household_data: bool = True  # False: public material of the village (its QR poster)
    query: str = ""
    # The write is on the persona's own area (the rule catalogue of its province), not on a
    # record of 北马村: the role decides, wherever the persona sits.
    own_area: bool = False
    # The record is the county (文登区) itself, not a record of 北马村: tried by each role's
    # user of the county ("own") and of a village in another county ("far").
    seat: bool = False

    @property
    def has_record(self) -> bool:
        return self.kwargs is not None or (self.path is not None and "{" in self.template)

    @property
    def template(self) -> str:
        return getattr(self.path, "template", "")

    @property
    def id(self) -> str:
        return self.label or f"{self.method} {self.name}"

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")

    def url(self, world: World, owner: str) -> str:
        if self.path is not None:
            return "/api/v1" + self.path(world, owner)
        kwargs = self.kwargs(world, owner) if self.kwargs else {}
        return reverse(self.name, kwargs=kwargs) + self.query


def pk(key: str) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, owner: {"pk": w[key.format(owner=owner)].pk}


def api(template: str, key: str = "") -> Callable[[World, str], str]:
    def path(w: World, owner: str) -> str:
        return template.format(pk=w[key.format(owner=owner)].pk if key else "")

    path.template = template  # type: ignore[attr-defined]
    return path


# The households' codes (matrix_world): a list shows a record when it shows its code.
CODES = {"mine": "H-M-1", "theirs": "H-T-1"}
FREE_CODES = {"mine": "H-M-2", "theirs": "H-T-2"}


MINE = "{owner}"


def marker(world: World, shows: str, owner: str) -> str:
    """What a list shows of the owner's record."""
    if shows == "household_id":
        return f'"household_id": {world[owner].pk}'
    return (CODES if shows == "code" else FREE_CODES)[owner]


def _today(_w: World, _o: str) -> str:
    return TODAY.isoformat()


# --- reads: every page and GET operation ----------------------------------------------------
LISTS = [
    ("areas", "core", "L"),
    ("household-list", "registry", "L", "code"),
    ("household-export", "registry", "E"),
    ("import-upload", "registry", "C"),
    ("screening-clue-list", "screening", "L", "free"),
    ("screening-run-list", "screening", "L"),
    ("screening-run-start", "screening", "C"),
    ("screening-dataset-list", "screening", "L"),
    ("screening-dataset-upload", "screening", "C"),
    ("screening-catalogue", "screening", "L"),
    ("screening-catalogue-edit", "screening", "U"),
    ("case-list", "cases", "L", "code"),
    ("case-open", "cases", "C"),
    ("notice-list", "cases", "L"),
    ("declaration-list", "cases", "L"),
    ("visits-today", "visits", "L"),
    ("visits-coverage", "visits", "L"),
    ("campaign-list", "visits", "L"),
    ("points-ranking", "visits", "L"),
    ("party-visits", "visits", "L"),
    ("visits-pairing", "visits", "L"),
    ("condolence-new", "visits", "C"),
    ("points-claims", "visits", "L"),
    ("points-ledger", "visits", "L"),
    ("greenhouse-park", "greenhouse", "L"),
    ("greenhouse-tiles", "greenhouse", "L"),
    ("greenhouse-alerts", "greenhouse", "L"),
    ("greenhouse-harvest", "greenhouse", "C"),
    ("greenhouse-investment", "greenhouse", "L"),
    ("greenhouse-whatif", "greenhouse", "L"),
    ("sales-today", "sales", "L"),
    ("sales-lots", "sales", "L"),
    ("sales-live-list", "sales", "L"),
    ("sales-groups", "sales", "L"),
    ("sales-ledger", "sales", "L"),
    ("sales-purchases-csv", "sales", "E"),
    ("sales-purchases-xlsx", "sales", "E"),
    ("epidemic-overview", "epidemic", "L"),
    ("epidemic-gate", "epidemic", "L"),
    ("epidemic-passages", "epidemic", "L"),
    ("epidemic-passage-bulk", "epidemic", "L"),
    ("epidemic-workers", "epidemic", "L"),
    ("epidemic-rounds", "epidemic", "L"),
    ("epidemic-disinfection", "epidemic", "L"),
    ("epidemic-supplies", "epidemic", "L"),
    ("epidemic-alerts", "epidemic", "L"),
    ("epidemic-returnees", "epidemic", "L"),
    ("epidemic-returnee-new", "epidemic", "C"),
    ("epidemic-closure", "epidemic", "L"),
    ("scorecard", "reports", "L"),
    ("scorecard-xlsx", "reports", "E"),
    ("scorecard-pdf", "reports", "E"),
    ("work-brief", "reports", "L"),
    ("policy-list", "cases", "L"),  # the policy in force, read where cases are worked
    ("policy-new", "screening", "U"),  # a new policy version: the county's rule parameters
    ("clue-endings", "cases", "L"),
    ("clue-no-risk", "cases", "C"),
    ("corrections", "cases", "L"),
    ("correction-new", "cases", "C"),
    ("transfer-list", "registry", "L"),
    ("transfer-new", "registry", "C"),
]
API_LISTS = [
    ("households", "/registry/households", "registry", "code"),
    ("runs", "/screening/runs", "screening"),
    ("clues", "/screening/clues", "screening", "free"),
    ("cases", "/cases/cases", "cases", "code"),
    ("due", "/visits/due", "visits"),
    ("visits", "/visits/visits", "visits", "household_id"),
    ("campaigns", "/visits/campaigns", "visits"),
    ("points_ranking", "/visits/points/ranking", "visits"),
    ("orders", "/sales/orders", "sales"),
    ("lots", "/sales/lots", "sales"),
    ("passages", "/epidemic/passages", "epidemic"),
    ("workers", "/epidemic/workers", "epidemic"),
    ("figures", "/epidemic/figures", "epidemic"),
    ("scorecard", "/scorecard", "reports"),
    ("open_clues", "/cases/clues/open", "cases"),
    ("clue_ages", "/cases/clues/ages", "cases"),
    ("corrections", "/cases/corrections", "cases"),
    ("transfer_list", "/registry/transfers", "registry"),
]
# (name, module, action, record, bound, also)
DETAILS: list[tuple[str, str, str, str, bool, tuple[tuple[str, str], ...]]] = [
    ("household-card", "registry", "D", "{owner}", True, ()),
    ("household-edit", "registry", "U", "{owner}", True, ()),
    ("import-detail", "registry", "C", "import", False, ()),
    ("import-errors", "registry", "C", "import", False, ()),
    ("screening-clue-detail", "screening", "D", "clue_{owner}", True, ()),
    ("screening-clue-link", "screening", "D", "clue_{owner}", True, ()),
    ("screening-run-detail", "screening", "D", "run", False, ()),
    ("case-detail", "cases", "D", "case_{owner}", True, ()),
    ("case-act", "cases", "S", "case_{owner}", True, ()),
    ("case-verify", "cases", "S", "case_{owner}", True, ()),
    ("case-measures", "cases", "C", "case_{owner}", True, ()),
    ("case-eliminate", "cases", "C", "case_{owner}", True, ()),
    ("notice-detail", "cases", "D", "notice_{owner}", True, ()),
    ("notice-pdf", "cases", "D", "notice_{owner}", True, ()),
    ("declaration-detail", "cases", "U", "declaration", False, ()),
    ("visit-new", "visits", "C", "{owner}", True, ()),
    ("visit-detail", "visits", "D", "visit_{owner}", True, ()),
    ("campaign-detail", "visits", "D", "campaign_{owner}", True, ()),
    ("greenhouse-house", "greenhouse", "D", "house", False, ()),
    ("greenhouse-override", "greenhouse", "U", "house", False, ()),
    ("greenhouse-alert", "greenhouse", "U", "alert", False, ()),
    ("sales-live", "sales", "D", "session", False, ()),
    ("sales-live-counter", "sales", "D", "session", False, ()),
    ("sales-group-verify", "sales", "D", "group", False, ()),
    ("sales-run", "sales", "D", "delivery", False, ()),
    ("sales-lot", "sales", "D", "lot", False, ()),
    ("sales-lot-label", "sales", "D", "lot", False, ()),
    ("case-worksheet", "cases", "D", "{owner}", True, ()),  # a household pk
    ("case-worksheet-pdf", "cases", "D", "{owner}", True, ()),
    ("transfer-approve", "registry", "S", "transfer", False, ()),
    ("transfer-reject", "registry", "S", "transfer", False, ()),
    ("epidemic-returnee", "epidemic", "D", "returnee", False, ()),
]
API_DETAILS = [
    ("household", "/registry/households/{pk}", "{owner}", "registry", True),
    ("run", "/screening/runs/{pk}", "run", "screening", False),
    ("clue", "/screening/clues/{pk}", "clue_{owner}", "screening", True),
    ("case", "/cases/cases/{pk}", "case_{owner}", "cases", True),
    ("notice", "/cases/notices/{pk}", "notice_{owner}", "cases", True),
    ("visit", "/visits/visits/{pk}", "visit_{owner}", "visits", True),
    ("campaign", "/visits/campaigns/{pk}", "campaign_{owner}", "visits", True),
    ("campaign_sample", "/visits/campaigns/{pk}/sample", "campaign_{owner}", "visits", True),
    ("house_latest", "/greenhouse/houses/{pk}/latest", "house", "greenhouse", False),
]
# Pages any logged-in user opens (their profile, the landing page), and public ones.
LOGIN_ONLY = {"profile", "home", "api:me", "api:areas"}
PUBLIC = {"set_language", "login", "logout", "healthz", "case-declare", "sales-lot-public"}
# A job is its starter's: nobody's job is the administrator's alone (checked separately).
JOBS = {"job-detail", "api:job"}
# Pages that only show (no POST handling): every other page has a write spec below.
GET_ONLY = frozenset(
    {
        "areas",
        "household-list",
        "household-export",
        "household-card",
        "import-errors",
        "transfer-list",
        "screening-clue-list",
        "screening-clue-detail",
        "screening-run-list",
        "screening-run-detail",
        "screening-dataset-list",
        "screening-catalogue",
        "case-list",
        "case-detail",
        "notice-pdf",
        "declaration-list",
        "case-declare-qr",
        "case-worksheet",
        "case-worksheet-pdf",
        "policy-list",
        "visits-today",
        "visit-detail",
        "visits-coverage",
        "points-ranking",
        "points-ledger",
        "party-visits",
        "greenhouse-park",
        "greenhouse-tiles",
        "greenhouse-house",
        "greenhouse-alerts",
        "greenhouse-investment",
        "greenhouse-whatif",
        "sales-today",
        "sales-lots",
        "sales-live-counter",
        "sales-groups",
        "sales-ledger",
        "sales-purchases-csv",
        "sales-purchases-xlsx",
        "sales-run",
        "sales-lot",
        "sales-lot-label",
        "epidemic-passages",
        "epidemic-returnees",
        "scorecard",
        "scorecard-xlsx",
        "scorecard-pdf",
        "work-brief",
    }
)


def _special(name: str) -> dict[str, Any]:
    """Details whose record is not a row's pk."""
    if name == "case-declare-qr":
        return {"kwargs": lambda w, _o: {"village_code": w.areas["village"].code}}
    if name == "case-open-clue":
        return {"kwargs": lambda w, o: {"clue_id": w[f"clue_{o}"].pk}}
    if name == "epidemic-gate-entry":
        return {"kwargs": lambda w, _o: {"checkpoint_id": w["checkpoint"].pk}}
    raise KeyError(name)


def read_specs() -> list[Spec]:
    specs = [Spec(n, m, a, shows=x[0] if x else "", bound=bool(x)) for n, m, a, *x in LISTS]
    specs += [
        Spec(f"api:{n}", m, "L", path=api(p), shows=x[0] if x else "", bound=bool(x))
        for n, p, m, *x in API_LISTS
    ]
    for name, module, action, key, bound, also in DETAILS:
        kwargs = (lambda k: lambda w, o: {"pk": w[k.format(owner=o)].pk})(key)
        specs.append(Spec(name, module, action, kwargs=kwargs, bound=bound, also=also))
    for name, template, key, module, bound in API_DETAILS:
        specs.append(Spec(f"api:{name}", module, "D", path=api(template, key), bound=bound))
    specs.append(
        Spec("case-declare-qr", "cases", "D", household_data=False, **_special("case-declare-qr"))
    )
    specs.append(
        Spec(
            "case-open-clue",
            "cases",
            "C",
            bound=True,
            also=(("screening", "D"),),
            **_special("case-open-clue"),
        )
    )
    specs.append(Spec("epidemic-gate-entry", "epidemic", "D", **_special("epidemic-gate-entry")))
    # R: the card asked to reveal shows the full ID number only to those who may reveal it.
    specs.append(
        Spec(
            "household-card",
            "registry",
            "R",
            kwargs=lambda w, o: {"pk": w[o].pk},
            bound=True,
            query="?reveal=1",
            label="GET household-card reveal",
        )
    )
    return specs


# --- writes: every POST of a page and every write operation ---------------------------------


def _json(data: dict[str, Any]) -> dict[str, Any]:
    return {"data": json.dumps(data), "content_type": "application/json"}


def _visit_form(w: World, owner: str) -> dict[str, Any]:
    from villageaid.visits.forms import VisitForm

    form = VisitForm(household=w[owner])
    data: dict[str, Any] = {
        name: f.initial for name, f in form.fields.items() if name.startswith("check_")
    }
    return {
        **data,
        "idempotency_key": f"m-{owner}",
        "visited_at": f"{TODAY.isoformat()}T10:00",
        "outcome": "met",
    }


def _household_form(w: World, owner: str) -> dict[str, Any]:
    from villageaid.registry.forms import HouseholdForm

    form = HouseholdForm(instance=w[owner])
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    return {**{k: ("on" if v is True else v) for k, v in data.items()}, "group_name": "第九组"}


def _verify_form(_w: World, _o: str) -> dict[str, Any]:
    money = ("wage", "business", "property_income", "transfer", "production_costs")
    extra = ("medical_expense", "education_expense")
    return {
        "on": TODAY.isoformat(),
        **{k: "0" for k in money + extra},
        "food_clothing_ok": "on",
        "education_ok": "on",
        "medical_ok": "on",
        "note": "核实",
    }


def _step_body(step: str) -> Body:
    return lambda _w, _o: {"decision": "reject", "step_code": step, "reason": "测试"}


def _api_step_body(step: str) -> Body:
    return lambda _w, _o: _json({"decision": "reject", "step": step, "reason": "测试"})


def write_specs() -> list[Spec]:
    case = pk("case_{owner}")
    notice = pk("notice_{owner}")
    specs = [
        # registry
        Spec(
            "household-edit",
            "registry",
            "U",
            "POST",
            pk("{owner}"),
            body=_household_form,
            bound=True,
        ),
        # cases
        Spec(
            "case-open",
            "cases",
            "C",
            "POST",
            bound=True,
            body=lambda w, o: {
                "household_code": w[f"{o}_free"].code,
                "summary": "困难",
                "opened_on": TODAY.isoformat(),
            },
        ),
        Spec(
            "case-act",
            "cases",
            "S",
            "POST",
            case,
            body=_step_body("verify"),
            bound=True,
            step="verify",
            label="POST case-act verify",
        ),
        Spec(
            "case-act",
            "cases",
            "S",
            "POST",
            case,
            body=_step_body("township"),
            bound=True,
            step="township",
            label="POST case-act township",
        ),
        Spec(
            "case-act",
            "cases",
            "S",
            "POST",
            case,
            body=_step_body("county"),
            bound=True,
            step="county",
            label="POST case-act county",
        ),
        *(
            Spec(
                "case-act",
                "cases",
                "S",
                "POST",
                case,
                body=_step_body(step),
                bound=True,
                step=step,
                label=f"POST case-act {step}",
            )
            for step in ("compare", "review", "notice", "announce")
        ),
        Spec(
            "api:case_transition",
            "cases",
            "S",
            "POST",
            path=api("/cases/cases/{pk}/transitions", "case_{owner}"),
            body=_api_step_body("verify"),
            bound=True,
            step="verify",
            label="POST api:case_transition verify",
        ),
        Spec(
            "api:case_transition",
            "cases",
            "S",
            "POST",
            path=api("/cases/cases/{pk}/transitions", "case_{owner}"),
            body=_api_step_body("compare"),
            bound=True,
            step="compare",
            label="POST api:case_transition compare",
        ),
        Spec(
            "case-verify", "cases", "S", "POST", case, body=_verify_form, bound=True, step="verify"
        ),
        Spec(
            "case-measures",
            "cases",
            "C",
            "POST",
            case,
            bound=True,
            label="POST measure grant",
            body=lambda w, o: {
                "measure": "education",
                "department": "教育局",
                "status": "planned",
                "granted_on": TODAY.isoformat(),
            },
        ),
        Spec(
            "case-measures",
            "cases",
            "U",
            "POST",
            case,
            bound=True,
            label="POST measure progress",
            body=lambda w, o: {
                "action": "progress",
                "measure": w[f"measure_{o}"].pk,
                "status": "delivered",
            },
        ),
        Spec(
            "case-eliminate",
            "cases",
            "S",
            "POST",
            pk("elimination_{owner}"),
            bound=True,
            step="rollback",
            label="POST elimination rollback",
            body=lambda w, o: {"action": "rollback", "reason": "返贫"},
        ),
        Spec(
            "notice-list",
            "cases",
            "S",
            "POST",
            bound=True,
            step="notice",
            label="POST notice publish",
            body=lambda w, o: {"cases": [w[f"case_{o}"].pk]},
        ),
        Spec(
            "notice-detail",
            "cases",
            "S",
            "POST",
            notice,
            bound=True,
            step="notice",
            label="POST notice close",
            body=lambda w, o: {"action": "close"},
        ),
        Spec(
            "notice-detail",
            "cases",
            "S",
            "POST",
            notice,
            bound=True,
            step="notice",
            label="POST notice objection",
            body=lambda w, o: {"action": "objection", "case": w[f"case_{o}"].pk, "text": "有异议"},
        ),
        Spec(
            "declaration-detail",
            "cases",
            "U",
            "POST",
            pk("declaration"),
            label="POST declaration dismiss",
            body=lambda w, o: {"action": "dismiss"},
        ),
        Spec(
            "declaration-detail",
            "cases",
            "C",
            "POST",
            pk("declaration"),
            label="POST declaration to case",
            body=lambda w, o: {"household_code": w["mine_free"].code},
        ),
        Spec(
            "case-open-clue",
            "cases",
            "C",
            "POST",
            bound=True,
            also=(("screening", "D"),),
            body=lambda w, o: {},
            **_special("case-open-clue"),
        ),
        # screening: the village cadre confirms the record linkage a clue rests on (a registry
        # change: who this department record's person is); the clue is made pending first
        Spec(
            "screening-clue-link",
            "registry",
            "U",
            "POST",
            pk("clue_{owner}"),
            bound=True,
            also=(("screening", "D"),),
            label="POST clue linkage confirmation",
            body=_pending_clue,
        ),
        # visits
        Spec("visit-new", "visits", "C", "POST", pk("{owner}"), body=_visit_form, bound=True),
        Spec(
            "api:visit_create",
            "visits",
            "C",
            "POST",
            path=api("/visits/visits"),
            bound=True,
            body=lambda w, o: _json(
                {"household": w[o].pk, "visited_at": f"{TODAY.isoformat()}T10:00:00+08:00"}
            ),
        ),
        Spec(
            "campaign-detail",
            "visits",
            "A",
            "POST",
            pk("campaign_{owner}"),
            bound=True,
            label="POST finding record",
            body=lambda w, o: {
                "action": "finding",
                "household": w[o].pk,
                "kind": "suspected",
                "description": "住房待核实",
            },
        ),
        Spec(
            "campaign-detail",
            "visits",
            "U",
            "POST",
            pk("campaign_{owner}"),
            bound=True,
            label="POST finding rectify",
            body=lambda w, o: {
                "action": "rectify",
                "finding": w[f"finding_{o}"].pk,
                "status": "rectifying",
                "rectification": "维修",
            },
        ),
        # greenhouse
        Spec(
            "greenhouse-override",
            "greenhouse",
            "U",
            "POST",
            pk("house"),
            body=lambda w, o: {"actuator": w["actuator"].kind, "value": "1", "minutes": "10"},
        ),
        Spec("greenhouse-alert", "greenhouse", "U", "POST", pk("alert"), body=lambda w, o: {}),
        Spec(
            "greenhouse-harvest",
            "greenhouse",
            "C",
            "POST",
            body=lambda w, o: {
                "house": w["house"].pk,
                "date": TODAY.isoformat(),
                "grade": "A",
                "jin": "10",
            },
        ),
        Spec(
            "api:house_telemetry",
            "greenhouse",
            "C",
            "POST",
            path=api("/greenhouse/houses/{pk}/telemetry", "house"),
            body=lambda w, o: _json({"ts": "2020-04-20T10:00:00+08:00", "air_temp": 12.3}),
        ),
        # sales
        Spec(
            "sales-live-list",
            "sales",
            "C",
            "POST",
            label="POST live session open",
            body=lambda w, o: {"lot": w["lot2"].pk, "quota_jin": "2", "title": "直播"},
        ),
        Spec(
            "sales-live",
            "sales",
            "U",
            "POST",
            pk("session"),
            label="POST live session close",
            body=lambda w, o: {"action": "close"},
        ),
        Spec(
            "api:order_create",
            "sales",
            "C",
            "POST",
            path=api("/sales/orders"),
            body=lambda w, o: _json(
                {"lot": w["lot"].pk, "channel": "walk_in", "quantity_jin": "1"}
            ),
        ),
        # epidemic
        Spec(
            "epidemic-gate-entry",
            "epidemic",
            "C",
            "POST",
            body=lambda w, o: _gate(),
            **_special("epidemic-gate-entry"),
        ),
        Spec(
            "api:passage_create",
            "epidemic",
            "C",
            "POST",
            path=api("/epidemic/passages"),
            body=lambda w, o: _json(
                {
                    "checkpoint": w["checkpoint"].pk,
                    "party": "villager",
                    "direction": "in",
                    "temperature": "36.5",
                    "health_code": "green",
                }
            ),
        ),
        Spec(
            "epidemic-disinfection",
            "epidemic",
            "C",
            "POST",
            body=lambda w, o: {
                "village": w.areas["village"].pk,
                "place": "大棚",
                "agent": "84消毒液",
                "phase": "before",
                "done_by": "张三",
            },
        ),
        Spec(
            "epidemic-workers",
            "epidemic",
            "C",
            "POST",
            body=lambda w, o: {"village": w.areas["village"].pk, "name": "王五"},
        ),
        Spec(
            "epidemic-alerts",
            "epidemic",
            "U",
            "POST",
            body=lambda w, o: {"alert": w["gate_alert"].pk},
        ),
        Spec(
            "case-open",
            "cases",
            "C",
            "POST",
            bound=True,
            label="POST case from visit report",
            body=lambda w, o: {"report": w[f"report_{o}"].pk},
        ),
        Spec(
            "notice-detail",
            "cases",
            "S",
            "POST",
            notice,
            bound=True,
            step="notice",
            label="POST objection resolve",
            body=lambda w, o: {
                "action": "resolve",
                "objection": w[f"objection_{o}"].pk,
                "resolution": "已核实",
            },
        ),
        Spec(
            "epidemic-passage-bulk",
            "epidemic",
            "C",
            "POST",
            body=lambda w, o: {
                "day": TODAY.isoformat(),
                "lines": "07:30 村民 进 36.5",
                "checkpoint": w["checkpoint"].pk,
            },
        ),
        Spec(
            "epidemic-supplies",
            "epidemic",
            "C",
            "POST",
            body=lambda w, o: {
                "action": "receive",
                "r-village": w.areas["village"].pk,
                "r-item": "mask",
                "r-quantity": "100",
                "r-source": "县防疫站",
            },
        ),
        Spec(
            "api:clue_end",
            "cases",
            "C",
            "POST",
            bound=True,
            also=(("screening", "D"),),
            path=api("/cases/clues/{pk}/endings", "clue_{owner}"),
            body=lambda w, o: _json({"ending": "opened"}),
        ),
        Spec(
            "api:clue_no_risk",
            "cases",
            "C",
            "POST",
            bound=True,
            also=(("screening", "D"),),
            path=api("/cases/clues/{pk}/no-risk", "clue_{owner}"),
            body=_no_risk,
        ),
        Spec(
            "api:correction_request",
            "cases",
            "S",
            "POST",
            bound=True,
            step="correction-request",
            path=api("/cases/corrections"),
            body=_correction,
        ),
        Spec(
            "api:clue_review",
            "cases",
            "S",
            "POST",
            bound=True,
            step="clue-review",
            path=api("/cases/clue-endings/{pk}/review", "ending_{owner}"),
            body=lambda w, o: _json({"confirm": True}),
        ),
        Spec(
            "api:correction_decide",
            "cases",
            "S",
            "POST",
            bound=True,
            step="correction",
            path=api("/cases/corrections/{pk}/decision", "correction_{owner}"),
            body=lambda w, o: _json({"approve": True}),
        ),
        Spec(
            "api:transfer_request",
            "registry",
            "C",
            "POST",
            path=api("/registry/transfers"),
            body=lambda w, o: _json(
                {
                    "village_code": w.areas["village"].code,
                    "household_code": w["movable"].code,
                    "reason": "婚迁",
                }
            ),
        ),
        Spec(
            "api:transfer_approve",
            "registry",
            "S",
            "POST",
            step="transfer",
            path=api("/registry/transfers/{pk}/approve", "transfer"),
            body=lambda w, o: _json({}),
        ),
        Spec(
            "api:transfer_reject",
            "registry",
            "S",
            "POST",
            step="transfer",
            path=api("/registry/transfers/{pk}/reject", "transfer"),
            body=lambda w, o: _json({"reason": "材料不全"}),
        ),
        # the same procedures from their pages
        Spec(
            "clue-endings",
            "cases",
            "C",
            "POST",
            bound=True,
            also=(("screening", "D"),),
            label="POST clue ending opened",
            body=lambda w, o: {"action": "open", "clue": w[f"clue_{o}"].pk},
        ),
        Spec(
            "clue-endings",
            "cases",
            "S",
            "POST",
            bound=True,
            step="clue-review",
            label="POST clue ending review",
            body=lambda w, o: {"action": "review", "ending": w[f"ending_{o}"].pk, "confirm": "1"},
        ),
        Spec(
            "clue-no-risk",
            "cases",
            "C",
            "POST",
            bound=True,
            also=(("screening", "D"),),
            body=lambda w, o: {**_no_risk(w, o), "clue": w[f"clue_{o}"].pk},
        ),
        Spec(
            "corrections",
            "cases",
            "S",
            "POST",
            bound=True,
            step="correction",
            label="POST correction decide",
            body=lambda w, o: {"correction": w[f"correction_{o}"].pk, "approve": "1"},
        ),
        Spec(
            "correction-new",
            "cases",
            "S",
            "POST",
            bound=True,
            step="correction-request",
            body=_correction,
        ),
        Spec(
            "transfer-new",
            "registry",
            "C",
            "POST",
            body=lambda w, o: {
                "village": w.areas["village"].code,
                "household_code": w["movable"].code,
                "reason": "婚迁",
            },
        ),
        Spec(
            "transfer-approve",
            "registry",
            "S",
            "POST",
            pk("transfer"),
            step="transfer",
            body=lambda w, o: {},
        ),
        Spec(
            "transfer-reject",
            "registry",
            "S",
            "POST",
            pk("transfer"),
            step="transfer",
            body=lambda w, o: {"reason": "材料不全"},
        ),
        Spec(
            "epidemic-overview",
            "epidemic",
            "C",
            "POST",
            label="POST epidemic case record",
            body=lambda w, o: {
                "village": w.areas["village"].code,
                "status": "suspected",
                "opened_on": TODAY.isoformat(),
                "person_name": "赵六",
            },
        ),
        Spec(
            "screening-catalogue-edit",
            "screening",
            "U",
            "POST",
            own_area=True,
            body=lambda w, o: {"note": "调整参数"},
        ),
        *_page_posts(),
        *_visits_posts(),
    ]
    return specs


def _pending_clue(w: World, owner: str) -> dict[str, Any]:
    from villageaid.screening.models import Clue

    Clue.objects.filter(pk=w[f"clue_{owner}"].pk).update(link_status=Clue.Link.PENDING)
    return {"decision": "confirm"}


def _page_posts() -> list[Spec]:
    """The page POSTs of uploads, runs, versions, hand-outs and pickups."""
    notice = pk("notice_{owner}")
    return [
        # registry: a roster for 北马村 is staged (validation queued), a validated one committed
        Spec(
            "import-upload",
            "registry",
            "C",
            "POST",
            label="POST roster upload",
            body=lambda w, o: {"village": w.areas["village"].code, "file": _roster()},
        ),
        Spec(
            "import-detail",
            "registry",
            "C",
            "POST",
            pk("import_ok"),
            label="POST roster commit",
            body=lambda w, o: {},
        ),
        # screening: a run and a department dataset of the persona's own area
        Spec(
            "screening-run-start",
            "screening",
            "C",
            "POST",
            own_area=True,
            body=lambda w, o: {"as_of": TODAY.isoformat(), "push": "0"},
        ),
        Spec(
            "screening-dataset-upload",
            "screening",
            "C",
            "POST",
            own_area=True,
            body=lambda w, o: {
                "name": "medical_claims",
                "period_start": "2020-01-01",
                "period_end": "2020-03-31",
                "file": _claims(),
            },
        ),
        # a version of the rule parameters for the county (the county's screening U)
        Spec("policy-new", "screening", "U", "POST", seat=True, body=_policy_version),
        # cases: a risk elimination opened for a monitored household (自然消除)
        Spec(
            "case-eliminate",
            "cases",
            "C",
            "POST",
            pk("monitored_{owner}"),
            bound=True,
            label="POST elimination open",
            body=lambda w, o: {"mode": "natural"},
        ),
        # cases: the photo of the posted notice
        Spec(
            "notice-detail",
            "cases",
            "S",
            "POST",
            notice,
            bound=True,
            step="notice",
            label="POST notice photo",
            body=lambda w, o: {"action": "photo", "photo": _photo()},
        ),
        # sales: 核销, a group order picked up with its code
        Spec(
            "sales-group-verify",
            "sales",
            "U",
            "POST",
            pk("group"),
            label="POST pickup verify",
            body=lambda w, o: {"code": w["pickup"].pickup_code},
        ),
        # epidemic
        # the gate page of a user with one checkpoint is that checkpoint's quick entry
        Spec(
            "epidemic-gate",
            "epidemic",
            "C",
            "POST",
            label="POST gate quick entry",
            body=lambda w, o: _gate(),
        ),
        Spec(
            "epidemic-rounds",
            "epidemic",
            "C",
            "POST",
            label="POST temperature round",
            body=lambda w, o: {
                "date": TODAY.isoformat(),
                "round": "am",
                f"t{w['worker'].pk}": "36.5",
            },
        ),
        Spec(
            "epidemic-supplies",
            "epidemic",
            "C",
            "POST",
            label="POST supplies hand-out",
            body=lambda w, o: {
                "action": "handout",
                "h-village": w.areas["village"].pk,
                "h-item": "mask",
                "h-quantity": "10",
                "h-to": "张三",
            },
        ),
        Spec(
            "epidemic-overview",
            "epidemic",
            "U",
            "POST",
            label="POST epidemic case status",
            body=lambda w, o: {"case": w["epidemic_case"].pk, "status": "confirmed"},
        ),
        Spec(
            "epidemic-returnee-new",
            "epidemic",
            "C",
            "POST",
            label="POST returnee register",
            body=lambda w, o: {
                "area": w.areas["village"].pk,
                "name": "赵六",
                "origin": "武汉",
                "arrived_on": TODAY.isoformat(),
            },
        ),
        Spec(
            "epidemic-returnee",
            "epidemic",
            "C",
            "POST",
            pk("returnee"),
            label="POST returnee daily check",
            body=lambda w, o: {"action": "check", "date": TODAY.isoformat(), "temperature": "36.5"},
        ),
        Spec(
            "epidemic-returnee",
            "epidemic",
            "U",
            "POST",
            pk("returnee"),
            label="POST returnee release",
            body=lambda w, o: {"action": "release"},
        ),
        Spec(
            "epidemic-closure",
            "epidemic",
            "S",
            "POST",
            step="closure",
            label="POST closed-village mode on",
            body=lambda w, o: {
                "action": "start",
                "village": w.areas["village"].pk,
                "reason": "疫情防控",
            },
        ),
    ]


def _roster() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from villageaid.registry.tests.samples import BAD_CSV

    content = BAD_CSV.format(village="").encode()  # staged as it is: validation is queued
    return SimpleUploadedFile("roster.csv", content, content_type="text/csv")


def _claims() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = (
        "id_number,admission_date,discharge_date,total_cost,self_pay",
        "11010519491231002X,2020-01-01,2020-01-05,100,50",
    )
    return SimpleUploadedFile("claims.csv", ("\n".join(lines) + "\n").encode())


def _photo() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("notice.jpg", b"\xff\xd8\xff\xe0 notice \xff\xd9", "image/jpeg")


def _policy_version(w: World, _o: str) -> dict[str, Any]:
    return {
        "area": w.areas["county"].code,
        "code": "MX-2020",
        "name": "文登区2020年监测范围",
        "effective_from": "2020-05-01",
        "effective_to": "2020-12-31",
        "year": "2020",
        "line": "7000",
        "identification_days": "20",
        "day_kind": "working",
        "notice_min_days": "5",
        "source": "文登区政府（测试）",
    }


def _evidence() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("proof.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def _no_risk(_w: World, _o: str) -> dict[str, Any]:
    from django.utils import timezone

    day = timezone.localdate().isoformat()  # after the clue was found, not in the future
    return {"verified_on": day, "reason": "入户核实无风险", "evidence": _evidence()}


def _correction(w: World, o: str) -> dict[str, Any]:
    return {
        "household_code": w[o].code,
        "field": "household_type",
        "new_value": "general",
        "reason": "录入错误",
        "attachment": _evidence(),
    }


def _gate() -> dict[str, Any]:
    return {
        "party": "villager",
        "direction": "in",
        "kind": "person",
        "temperature": "36.5",
        "health_code": "green",
    }


def _visits_posts() -> list[Spec]:
    """The helpers' and campaigns' work: pairing, campaign set-up, condolence visits, points."""
    return [
        Spec(
            "visits-pairing",
            "visits",
            "S",
            "POST",
            bound=True,
            step="pairing",
            label="POST pairing reassign",
            body=lambda w, o: {
                "household": w[o].pk,
                "helper": w.users[("grid", "own")].pk,
                "on": TODAY.isoformat(),
                "reason": "工作调整",
            },
        ),
        Spec(
            "campaign-list",
            "visits",
            "S",
            "POST",
            step="campaign",
            label="POST campaign create",
            body=lambda w, o: {
                "name": "矩阵评估",
                "villages": [w.areas["village"].code],
                "start": TODAY.isoformat(),
                "end": TODAY.isoformat(),
                "sample_size": "1",
                "checklist": ["food"],
                "methods": ["survey"],
            },
        ),
        Spec(
            "condolence-new",
            "visits",
            "C",
            "POST",
            bound=True,
            label="POST condolence record",
            body=lambda w, o: {
                "household": w[o].pk,
                "visited_on": TODAY.isoformat(),
                "occasion": "春节",
                "item": "大米",
                "quantity": "10",
                "unit": "公斤",
            },
        ),
        Spec(
            "points-claims",
            "visits",
            "C",
            "POST",
            bound=True,
            label="POST points claim",
            body=lambda w, o: {
                "action": "claim",
                "member": w[f"member_{o}"].pk,
                "points": "5",
                "reason": "志愿服务",
                "on": TODAY.isoformat(),
            },
        ),
        Spec(
            "points-claims",
            "visits",
            "S",
            "POST",
            bound=True,
            step="points",
            label="POST points approve",
            body=lambda w, o: {"action": "approve", "entry": w[f"claim_{o}"].pk},
        ),
    ]
