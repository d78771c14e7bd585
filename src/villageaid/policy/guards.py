"""Decision guards as pure functions, named by the rule they enforce.

Input is :class:`Facts` (what the registry and the case know of one household on one
date) and a resolved :class:`Policy`; output is a list of :class:`Check` rows, each naming
its rule, whether it holds, and the condition and value it used. A refusal quotes the
failed checks. Nothing here reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from villageaid.policy.resolved import Category, Policy

ASSISTED, NATURAL = "assisted", "natural"
MODE_LABELS = {ASSISTED: "帮扶消除", NATURAL: "自然消除"}
TYPE_LABELS = {"tuopin": "脱贫户", "general": "一般农户"}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Income:
    """One verified household income over the 12 months ending ``period_end``."""

    period_end: dt.date
    net: Decimal
    rigid: Decimal = Decimal(0)  # 刚性支出 / 合规自付支出 in the same window


@dataclass(frozen=True)
class Facts:
    household_type: str
    members: int
    incomes: Sequence[Income]  # newest first
    risk_types: Sequence[str] = ()
    has_labour: bool = True
    no_labour_at_all: bool = False
    guarantee_problems: Sequence[str] = ()

    @property
    def latest(self) -> Income | None:
        return self.incomes[0] if self.incomes else None

    @property
    def previous(self) -> Income | None:
        return self.incomes[1] if len(self.incomes) > 1 else None

    def per_capita(self, amount: Decimal) -> Decimal:
        return (amount / max(self.members, 1)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    text: str
    used: str = ""

    def __str__(self) -> str:
        return f"{self.rule}：{self.text}"


@dataclass
class Conclusion:
    category: Category | None
    checks: list[Check] = field(default_factory=list)
    others: list[tuple[Category, str]] = field(default_factory=list)
    year: int = 0
    line: Decimal = Decimal(0)


def failed(checks: Sequence[Check]) -> list[str]:
    return [str(c) for c in checks if not c.ok]


# --- income against the range (R-THR, R-INC-5) -----------------------------------------


def _fell_sharply(policy: Policy, facts: Facts) -> bool:
    latest, previous = facts.latest, facts.previous
    if latest is None or previous is None or previous.net <= 0:
        return False
    return latest.net <= previous.net * (1 - policy.sharp_fall_share)


def rigid_clause(policy: Policy, facts: Facts, line: Decimal) -> Check:
    """R-INC-5 as the version defines it: 2020 刚性支出明显超过上年度收入 (or a sharp fall);
    2021 onward 扣除刚性支出后的人均收入在监测范围内 (or a sharp fall)."""
    latest = facts.latest
    if latest is None:
        return Check("R-INC-5", False, "没有核实的收入记录", "")
    fall = _fell_sharply(policy, facts)
    share = f"{policy.sharp_fall_share:.0%}"
    if policy.rigid_expense_test == "exceeds_prev_income":
        # 上年度收入: the verified 12 months before the application (R-INC-3)
        holds = latest.rigid > latest.net or fall
        used = f"刚性支出 {latest.rigid} 元 > 上年度家庭纯收入 {latest.net} 元，或收入较上年下降≥{share}"
    else:
        after = facts.per_capita(latest.net - latest.rigid)
        holds = after <= line or fall
        used = f"扣除刚性支出后人均 {after} 元 ≤ 监测范围 {line} 元，或收入较上年下降≥{share}"
    text = ("符合" if holds else "不符合") + "刚性支出或收入骤减条件"
    return Check("R-INC-5", holds, text, used)


def _income_fits(policy: Policy, facts: Facts, category: Category, line: Decimal) -> Check:
    latest = facts.latest
    if latest is None:
        return Check("R-CAT-1", False, "没有核实的收入记录，无法判断收入是否在监测范围内")
    pc = facts.per_capita(latest.net)
    within = pc <= line
    place = f"人均纯收入 {pc} 元{'在' if within else '高于'}监测范围（≤{line} 元）{'内' if within else ''}"
    if category.income == "within":
        return Check("R-CAT-1", within, place, "income ≤ line")
    rigid = rigid_clause(policy, facts, line)
    if category.income == "above":
        return Check("R-CAT-1", not within and rigid.ok, f"{place}；{rigid.text}", rigid.used)
    return Check("R-CAT-1", within or rigid.ok, f"{place}；{rigid.text}", rigid.used)


def category_checks(policy: Policy, facts: Facts, code: str, year: int) -> list[Check]:
    """R-CAT-1: the category fits the household type and its income against the range
    (above the range only the version's sudden-difficulty category, with its rigid clause)."""
    category = policy.category(code)
    if category is None:
        names = "、".join(c.label for c in policy.categories)
        return [Check("R-CAT-1", False, f"“{code}”不是 {policy.code} 的监测对象类别（{names}）")]
    kind = TYPE_LABELS.get(facts.household_type, facts.household_type)
    fits_type = facts.household_type in category.household_types
    checks = [
        Check(
            "R-CAT-1",
            fits_type,
            f"{category.label}的户类型须为"
            + "或".join(TYPE_LABELS.get(t, t) for t in category.household_types)
            + f"（本户：{kind}）",
        ),
        _income_fits(policy, facts, category, policy.line(year)),
    ]
    if not checks[1].ok and category.income == "within":
        above = [c.label for c in policy.categories if c.income == "above"]
        if above:
            checks[1] = Check(
                "R-CAT-1", False, f"{checks[1].text}，只能认定为{'或'.join(above)}", checks[1].used
            )
    checks.append(Check("R-RISK-1", bool(facts.risk_types), "至少有一个返贫致贫风险"))
    return checks


def assess(policy: Policy, facts: Facts, year: int) -> Conclusion:
    """The category the rules reach (the first that fits), and why each other does not."""
    conclusion = Conclusion(None, year=year, line=policy.line(year))
    for category in policy.categories:
        checks = category_checks(policy, facts, category.code, year)
        if conclusion.category is None and all(c.ok for c in checks):
            conclusion.category, conclusion.checks = category, checks
        else:
            reason = "；".join(c.text for c in checks if not c.ok) or "已认定为其他类别"
            conclusion.others.append((category, reason))
    return conclusion


# --- measures (R-MEAS-1, R-MEAS-2) ---------------------------------------------------------


def measure_checks(
    policy: Policy, facts: Facts, codes: Sequence[str], *, adding: str, immediate: bool = False
) -> list[Check]:
    """R-MEAS-2 always; R-MEAS-1 for the plan, not for immediate relief granted while the
    identification runs. Only 综合保障 (kind ``assistance``: 低保、特困、临时救助) counts as
    social-security-only; health, schooling, housing and water measures do not."""
    measures = policy.measures
    if adding not in measures:
        return [Check("R-MEAS", False, f"{policy.code} 的措施目录中没有“{adding}”")]
    checks = []
    if measures[adding].employment and policy.measure_rule("employment_needs_labour"):
        checks.append(Check("R-MEAS-2", facts.has_labour, "就业类措施须有劳动能力的家庭成员"))
    if not immediate and policy.measure_rule("assistance_only_forbidden_with_labour"):
        known = [c for c in codes if c in measures]
        only = bool(known) and all(measures[c].kind == "assistance" for c in known)
        checks.append(
            Check(
                "R-MEAS-1",
                not (facts.has_labour and only),
                "有劳动能力的家庭不能只享受综合保障类措施，请同时安排发展类措施",
                "kinds: " + ",".join(sorted({measures[c].kind for c in known})),
            )
        )
    return checks


def uncovered_risks(policy: Policy, risk_types: Sequence[str], codes: Sequence[str]) -> list[str]:
    """Recorded risk types that no measure of the case addresses."""
    measures = policy.measures
    covered = {r for c in codes if c in measures for r in measures[c].risk_types}
    return [r for r in risk_types if r not in covered]


# --- elimination (spec §10.1) ------------------------------------------------------------------


def elimination_checks(
    policy: Policy,
    facts: Facts,
    *,
    mode: str,
    identified_on: dt.date | None,
    on: dt.date,
    measures: Sequence[str],
    risk_labels: dict[str, str] | None = None,
) -> list[Check]:
    """Every elimination condition of the version, each naming the condition it used."""
    labels = risk_labels or {}
    checks = [
        Check(
            "R-ELIM-MODE",
            mode in policy.elimination_modes,
            f"消除方式：{MODE_LABELS.get(mode, mode)}",
            "本版本允许：" + "、".join(MODE_LABELS.get(m, m) for m in policy.elimination_modes),
        ),
    ]
    days = policy.stability_days
    held = (on - identified_on).days if identified_on else -1
    checks.append(
        Check(
            "R-ELIM-STABLE",
            held >= days,
            f"纳入监测 {max(held, 0)} 天，稳定期不少于 {days} 天",
            policy.source("elimination", "stability_days"),
        )
    )
    checks.extend(_income_checks(policy, facts))
    checks.append(
        Check(
            "R-ELIM-GUARANTEE",
            not facts.guarantee_problems,
            "两不愁三保障及饮水安全"
            + (
                "未保障：" + "、".join(facts.guarantee_problems)
                if facts.guarantee_problems
                else "已保障"
            ),
        )
    )
    if policy.elimination("no_labour_blocks", True):
        checks.append(
            Check(
                "R-ELIM-LABOUR",
                not facts.no_labour_at_all,
                "整户无劳动力的不标注风险消除，继续监测"
                if facts.no_labour_at_all
                else "家庭有劳动力",
            )
        )
    # 自然消除: the risk went away by itself (spec §10.1), so no measure is required; S32 also
    # leaves 自然消除 out of its measure-timing check. 帮扶消除 needs the measures (S31).
    if mode == ASSISTED:
        checks.append(
            Check(
                "R-ELIM-MEASURE", bool(measures), "帮扶消除须至少落实一项帮扶措施", "S31 1_11_009"
            )
        )
        if policy.elimination("measure_per_risk", True):
            missing = uncovered_risks(policy, facts.risk_types, measures)
            names = "、".join(labels.get(r, r) for r in missing)
            checks.append(
                Check(
                    "R-ELIM-RISK",
                    not missing,
                    f"风险未有对应措施：{names}" if missing else "每个风险都有针对性措施",
                    policy.source("elimination", "measure_per_risk"),
                )
            )
    return checks


def _income_checks(policy: Policy, facts: Facts) -> list[Check]:
    wanted = int(policy.elimination("income_checks", 2) or 2)
    records = list(facts.incomes[:wanted])
    checks = []
    if len(records) < wanted:
        checks.append(
            Check(
                "R-ELIM-INCOME",
                False,
                f"需连续{wanted}次核实收入，现有{len(records)}次",
                "收入持续稳定",
            )
        )
    for r in records:
        line = policy.line(r.period_end.year)
        after = facts.per_capita(r.net - r.rigid)
        checks.append(
            Check(
                "R-ELIM-INCOME",
                after > line,
                f"{r.period_end:%Y-%m-%d} 扣除刚性支出后人均纯收入 {after} 元"
                f"{'高于' if after > line else '未高于'}监测范围 {line} 元",
                f"({r.net} − 刚性支出 {r.rigid}) ÷ {facts.members} 人 vs {policy.range(r.period_end.year).version} {r.period_end.year}",
            )
        )
    return checks
