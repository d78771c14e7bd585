"""The eligibility worksheet (资格测算表): for one household on one date, the decision the
policy version's rules give, with every input, its source and date, and why each other
category does not apply. It fills the fields of the national 《防止返贫监测对象信息采集表》
(monitoring.md §11.2, §11.3, as far as the registry holds them).

Pure reads: the worksheet never writes. The conclusion is ``guards.assess`` itself, so the
worksheet and the county step's R-CAT-1 guard cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from villageaid.cases import rules
from villageaid.cases.models import Case, Transition
from villageaid.policy import guards
from villageaid.policy.resolved import Policy, Range
from villageaid.policy.resolver import policy_for, policy_for_version
from villageaid.registry import labels
from villageaid.registry.models import Household

COMPONENTS = (
    ("wage", "工资性收入"),
    ("business", "生产经营性收入"),
    ("property_income", "财产性收入"),
    ("transfer", "转移性收入"),
    ("production_costs", "生产经营性支出（扣减）"),
)
EXPENSE_LABELS = {"medical": "大额医疗自付", "education": "子女上学费用"}


@dataclass
class Worksheet:
    household: Household
    on: dt.date
    policy: Policy
    facts: guards.Facts
    conclusion: guards.Conclusion
    range: Range
    incomes: list[dict[str, Any]] = field(default_factory=list)
    expenses: list[dict[str, Any]] = field(default_factory=list)
    risks: list[dict[str, Any]] = field(default_factory=list)
    form: list[tuple[str, str]] = field(default_factory=list)

    @property
    def quota(self) -> str:
        """The version's scale guideline (NAT-2020: about 5 % of the 建档立卡 population)."""
        value = self.policy.value("quota")
        if not value:
            return ""
        return (
            f"约为建档立卡人口的 {Decimal(value['share']):.0%}，深度贫困地区原则上不超过 "
            f"{Decimal(value['deep_poverty_share']):.0%}（{self.policy.source('quota')}）"
        )

    @property
    def per_capita(self) -> Decimal | None:
        latest = self.facts.latest
        return self.facts.per_capita(latest.net) if latest else None


def build(household: Household, on: dt.date, *, version: str = "") -> Worksheet:
    """The worksheet under the version in force on ``on`` (or ``version``, e.g. NAT-2026
    for the time-travel view)."""
    policy = policy_for_version(version) if version else policy_for(household.village, on)
    facts = rules.facts_for(household, on)
    sheet = Worksheet(
        household=household,
        on=on,
        policy=policy,
        facts=facts,
        conclusion=guards.assess(policy, facts, on.year),
        range=policy.range(on.year),
    )
    sheet.incomes = _incomes(household, on)
    sheet.expenses = _expenses(household, on)
    sheet.risks = _risks(household, facts)
    sheet.form = _collection_form(sheet)
    return sheet


def _incomes(household: Household, on: dt.date) -> list[dict[str, Any]]:
    rows = []
    for record in household.incomes.filter(period_end__lte=on).order_by("-period_end")[:2]:
        who = record.recorded_by.get_username() if record.recorded_by else "系统"
        rows.append(
            {
                "period_end": record.period_end,
                "items": [(label, getattr(record, name)) for name, label in COMPONENTS],
                "net": record.net_income,
                "source": f"入户核实/收入记录（{who}，{record.recorded_at:%Y-%m-%d}）",
            }
        )
    return rows


def _expenses(household: Household, on: dt.date) -> list[dict[str, Any]]:
    rows = []
    found = Transition.objects.filter(case__household=household, step_code="verify", on__lte=on)
    for row in found.order_by("-on")[:2]:
        for key, value in ((row.data or {}).get("expenses") or {}).items():
            if Decimal(str(value or 0)):
                label = EXPENSE_LABELS.get(key, key)
                rows.append(
                    {
                        "on": row.on,
                        "label": label,
                        "amount": Decimal(str(value)),
                        "source": f"入户核实（案件 {row.case_id}）",
                    }
                )
    return rows


def _risks(household: Household, facts: guards.Facts) -> list[dict[str, Any]]:
    from villageaid.screening.models import Clue

    members = rules.active_members(household)
    rows = []
    for risk in facts.risk_types:
        evidence = [
            f"筛查线索 {c.rule_code}（{c.created_at:%Y-%m-%d}）"
            for c in Clue.objects.filter(household=household, risk_type=risk).order_by("-pk")[:3]
        ]
        if risk == "illness":
            evidence += [
                f"{m.name}：{m.get_health_display()}"
                for m in members
                if m.health in {"serious", "chronic"}
            ]
        if risk == "disability":
            evidence += [f"{m.name}：残疾" for m in members if m.health == "disabled"]
        evidence += [
            f"案件 {c.pk}：{c.summary}（{c.opened_on:%Y-%m-%d}）"
            for c in Case.objects.filter(household=household, risk_types__contains=risk)[:2]
        ]
        rows.append(
            {"code": risk, "label": labels.RISK_TYPE_LABELS.get(risk, risk), "evidence": evidence}
        )
    return rows


def _collection_form(sheet: Worksheet) -> list[tuple[str, str]]:
    """The fields of 《防止返贫监测对象信息采集表》 the registry can fill (spec §11.2)."""
    household, facts = sheet.household, sheet.facts
    latest = sheet.incomes[0] if sheet.incomes else None
    items = dict(latest["items"]) if latest else {}
    head = next((m for m in rules.active_members(household) if m.relationship == "01"), None)
    category = sheet.conclusion.category
    risks = [r["label"] for r in sheet.risks] + [""] * 5
    rigid = sum((e["amount"] for e in sheet.expenses), Decimal(0))
    form = [
        ("户编号", household.code),
        ("户主姓名", head.name if head else ""),
        ("户类型", labels.HOUSEHOLD_TYPE_LABELS.get(household.household_type, "")),
        ("家庭人口数", str(facts.members)),
        ("监测对象类别", category.label if category else "不纳入"),
        *[(f"致贫/返贫风险{n}", risks[n - 1]) for n in range(1, 6)],
        *[(label, str(items.get(label, ""))) for _, label in COMPONENTS],
        ("家庭纯收入（元）", str(latest["net"]) if latest else ""),
        ("人均纯收入（元）", str(sheet.per_capita or "")),
        ("合规自付支出（元）", str(rigid)),
        ("纳入监测对象的收入参考范围（元）", f"≤{sheet.range.line}"),
        ("整户无劳动能力兜底保障户", "是" if facts.no_labour_at_all else "否"),
        ("是否危房户", "否" if household.housing_safe else "是"),
        ("是否解决安全饮用水", "是" if household.water_ok else "否"),
        (
            "户联系电话",
            f"{household.phone[:3]}****{household.phone[-4:]}" if household.phone else "",
        ),
        ("政策版本", sheet.policy.code),
    ]
    return form
