"""Golden households per shipped version: the category the rules reach (the worksheet's
conclusion) and the decision guards, against answers derived by hand.

Sources of the rules the answers follow (policy/data/*.json carries each value's source):
- NAT-2020 / SD-2020: 国开发〔2020〕6号 as summarised in S2 — 脱贫监测户 (脱贫户) and 边缘户
  (一般农户) within ~1.5 × the line (6000 for 2020, derived), or 刚性支出明显超过上年度收入 /
  收入大幅缩减; the unit is the household.
- NAT-2021 onward: 中农组发〔2021〕7号 (S9, S10) and spec §2.1 R-CAT-1 — above the range only
  突发严重困难户, tested with income after 刚性支出 (spec §2.1 R-CAT-4); SD-2023 names it 严重困难户
  (S34). Lines: 2021 6000 (S10), 2023 7500, 2025 8700, 2026 9000 (shipped defaults, unconfirmed).
- "收入大幅缩减": no figure found; the shipped default is a fall of 30 % or more (county sets it).
- Elimination: spec §10.1 (≥ half a year, income stably above the range after rigid expenses,
  三保障, 整户无劳动力 not eliminated), S31 3_11_003…009 (each risk has a measure), 帮扶消除 and
  自然消除 from 2021 (policy-versions.md §2.1); NAT-2020 knows only a 风险消除 mark (S11).
- R-MEAS-1/2: spec §9 (综合保障 alone is not enough for a household with labour).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from villageaid.policy import guards
from villageaid.policy.guards import Facts, Income
from villageaid.policy.resolved import Policy
from villageaid.policy.shipped import shipped_policy

D = dt.date


def hh(
    kind: str,
    members: int,
    net: int,
    *,
    rigid: int = 0,
    prev: int | None = None,
    risks: tuple[str, ...] = ("illness",),
) -> Facts:
    incomes = [Income(D(2020, 4, 1), Decimal(net), Decimal(rigid))]
    if prev is not None:
        incomes.append(Income(D(2019, 4, 1), Decimal(prev)))
    return Facts(household_type=kind, members=members, incomes=incomes, risk_types=risks)


def reached(policy: Policy, facts: Facts, year: int) -> str | None:
    found = guards.assess(policy, facts, year).category
    return found.code if found else None


# (label, facts, expected category): NAT-2020, year 2020, line 6000
GOLDEN_2020 = [
    ("脱贫户 at the line (≤ is within)", hh("tuopin", 4, 24000), "tp_monitor"),
    ("脱贫户 1 yuan per head above", hh("tuopin", 4, 24004), None),
    ("一般农户 below the line", hh("general", 3, 17997), "edge"),
    ("一般农户 above the line", hh("general", 3, 18003), None),
    ("rigid expense above last year's income", hh("general", 2, 20000, rigid=20001), "edge"),
    ("rigid expense equal to the income", hh("general", 2, 20000, rigid=20000), None),
    ("epidemic: fell by a third", hh("tuopin", 4, 26400, prev=39600), "tp_monitor"),
    ("fell by 26.7 % only", hh("tuopin", 4, 26400, prev=36000), None),
    ("within but no risk (R-RISK-1)", hh("tuopin", 1, 3000, risks=()), None),
    ("no income at all", hh("general", 5, 0), "edge"),
    ("within, fall irrelevant", hh("tuopin", 2, 12000, prev=20000), "tp_monitor"),
    ("above with a rigid burden, 脱贫户", hh("tuopin", 3, 30000, rigid=31000), "tp_monitor"),
]


def golden_from_2021(line: int, sudden: str = "sudden") -> list[tuple[str, Facts, str | None]]:
    """The same twelve shapes for a 2021-onward version with range ``line``: per head at
    the line, 1 yuan above, and so on (answers by hand below each)."""
    return [
        ("脱贫户 at the line", hh("tuopin", 4, 4 * line), "unstable"),
        ("脱贫户 1 yuan per head above", hh("tuopin", 4, 4 * line + 4), None),
        ("一般农户 1 below", hh("general", 3, 3 * line - 3), "marginal"),
        ("一般农户 1 above", hh("general", 3, 3 * line + 3), None),
        # (net − rigid) / 2 = line exactly: within after rigid → 突发严重困难户
        ("rigid brings it to the line", hh("general", 2, 2 * line + 8000, rigid=8000), sudden),
        ("rigid leaves 1 yuan above", hh("general", 2, 2 * line + 8000, rigid=7998), None),
        ("above, fell by a third", hh("tuopin", 4, 4 * line + 400, prev=6 * line + 600), sudden),
        ("above, fell by a quarter", hh("tuopin", 4, 4 * line + 400, prev=5 * line + 500), None),
        ("within, no risk (R-RISK-1)", hh("tuopin", 1, line // 2, risks=()), None),
        ("no income", hh("general", 5, 0), "marginal"),
        (
            "脱贫户 above with large medical costs",
            hh("tuopin", 3, 3 * line + 3000, rigid=9000),
            sudden,
        ),
        ("一般农户 far above, small rigid", hh("general", 2, 4 * line, rigid=100), None),
    ]


CASES = [
    ("NAT-2020", 2020, GOLDEN_2020),
    ("SD-2020", 2020, GOLDEN_2020),
    ("NAT-2021", 2021, golden_from_2021(6000)),
    ("NAT-2023", 2023, golden_from_2021(7500)),
    ("SD-2023", 2023, golden_from_2021(7500)),
    ("NAT-2025", 2025, golden_from_2021(8700)),
    ("NAT-2026", 2026, golden_from_2021(9000)),
]


@pytest.mark.parametrize(("version", "year", "table"), CASES, ids=[c[0] for c in CASES])
def test_golden_categories(version: str, year: int, table: list) -> None:
    policy = shipped_policy(version)
    assert len(table) >= 10
    for label, facts, expected in table:
        assert reached(policy, facts, year) == expected, f"{version}: {label}"
        for category in policy.categories:
            checks = guards.category_checks(policy, facts, category.code, year)
            fits = all(c.ok for c in checks)
            if category.code == expected:
                assert fits, f"{version}: {label} should fit {category.label}"
            elif expected is not None and fits:
                # only one category fits a household: types and income bands do not overlap
                raise AssertionError(f"{version}: {label} also fits {category.label}")


def test_above_the_range_only_the_sudden_category_with_the_rule_named() -> None:
    policy = shipped_policy("NAT-2026")
    facts = hh("tuopin", 4, 4 * 9000 + 400, prev=6 * 9000 + 600)
    refused = guards.failed(guards.category_checks(policy, facts, "unstable", 2026))
    assert refused and refused[0].startswith("R-CAT-1") and "只能认定为突发严重困难户" in refused[0]
    assert reached(policy, facts, 2026) == "sudden"


def test_shandong_2023_names_the_sudden_category_its_own_way() -> None:
    assert shipped_policy("SD-2023").category_label("sudden") == "严重困难户"
    assert shipped_policy("NAT-2023").category_label("sudden") == "突发严重困难户"


def test_a_2020_category_is_refused_under_2021_and_back() -> None:
    facts = hh("tuopin", 4, 20000)
    old = guards.failed(
        guards.category_checks(shipped_policy("NAT-2021"), facts, "tp_monitor", 2021)
    )
    new = guards.failed(guards.category_checks(shipped_policy("NAT-2020"), facts, "unstable", 2020))
    assert "不是 NAT-2021 的监测对象类别" in old[0] and "不是 NAT-2020" in new[0]


# --- elimination ------------------------------------------------------------------------------


def stable(line: int, *, rigid: int = 0, members: int = 2, labour: bool = True) -> Facts:
    incomes = [
        Income(D(2021, 12, 31), Decimal(members * (line + 500)), Decimal(rigid)),
        Income(D(2021, 6, 30), Decimal(members * (line + 400)), Decimal(rigid)),
    ]
    return Facts(
        "general",
        members,
        incomes,
        ("illness", "housing"),
        has_labour=labour,
        no_labour_at_all=not labour,
    )


def eliminate(
    policy: Policy, facts: Facts, *, mode: str, days: int, measures: list[str]
) -> list[str]:
    checks = guards.elimination_checks(
        policy,
        facts,
        mode=mode,
        identified_on=D(2022, 1, 10) - dt.timedelta(days=days),
        on=D(2022, 1, 10),
        measures=measures,
    )
    return [c.rule for c in checks if not c.ok]


@pytest.mark.parametrize("version", ["NAT-2021", "NAT-2023", "SD-2023", "NAT-2025", "NAT-2026"])
def test_golden_elimination(version: str) -> None:
    policy = shipped_policy(version)
    line = 6000  # the income records are 2021's: NAT-2021's 6000 in every chain
    full = ["medical", "housing"]
    assisted, natural = guards.ASSISTED, guards.NATURAL
    assert eliminate(policy, stable(line), mode=assisted, days=182, measures=full) == []
    assert eliminate(policy, stable(line), mode=assisted, days=181, measures=full) == [
        "R-ELIM-STABLE"
    ]
    # rigid-expense rule: both records drop to the line or below once 刚性支出 is deducted:
    # (2 × 6500 − 1000) / 2 = 6000 and (2 × 6400 − 1000) / 2 = 5900, neither above 6000
    got = eliminate(policy, stable(line, rigid=1000), mode=assisted, days=200, measures=full)
    assert got == ["R-ELIM-INCOME", "R-ELIM-INCOME"]
    # a measure that does not address a recorded risk (housing has no measure)
    assert eliminate(policy, stable(line), mode=assisted, days=200, measures=["medical"]) == [
        "R-ELIM-RISK"
    ]
    # 自然消除: the risk went away by itself; no measure required
    assert eliminate(policy, stable(line), mode=natural, days=200, measures=[]) == []
    assert eliminate(policy, stable(line, labour=False), mode=natural, days=200, measures=[]) == [
        "R-ELIM-LABOUR"
    ]


def test_2020_knows_only_assisted_elimination() -> None:
    policy = shipped_policy("NAT-2020")
    got = eliminate(policy, stable(6000), mode=guards.NATURAL, days=200, measures=[])
    assert got == ["R-ELIM-MODE"]


def test_elimination_checks_say_which_condition_they_used() -> None:
    policy = shipped_policy("NAT-2023")
    checks = guards.elimination_checks(
        policy,
        stable(6000, rigid=300),
        mode=guards.ASSISTED,
        identified_on=D(2021, 1, 1),
        on=D(2022, 1, 10),
        measures=["medical", "housing"],
    )
    income = [c for c in checks if c.rule == "R-ELIM-INCOME"]
    assert income and all("刚性支出 300" in c.used and "NAT-2021 2021" in c.used for c in income)


# --- measures ------------------------------------------------------------------------------------


def test_measure_catalogue_fix_and_r_meas_1() -> None:
    policy = shipped_policy("NAT-2023")
    labour = Facts("tuopin", 2, [], ("illness", "housing"), has_labour=True)
    # 医疗保障 and 危房改造 are not 综合保障: a valid plan for a household with labour
    assert not guards.failed(
        guards.measure_checks(policy, labour, ["medical", "housing"], adding="housing")
    )
    assert guards.failed(guards.measure_checks(policy, labour, ["dibao"], adding="dibao"))[
        0
    ].startswith("R-MEAS-1")
    assert not guards.failed(
        guards.measure_checks(policy, labour, ["dibao"], adding="dibao", immediate=True)
    )
    nobody = Facts("tuopin", 1, [], ("labour_loss",), has_labour=False, no_labour_at_all=True)
    assert guards.failed(
        guards.measure_checks(policy, nobody, ["employment"], adding="employment")
    )[0].startswith("R-MEAS-2")
    for code in ("health", "yulu", "water", "disability_subsidy", "tekun", "asset_income"):
        assert code in policy.measures, code


def test_every_risk_type_has_a_measure_in_every_version() -> None:
    risks = (
        "illness",
        "disability",
        "education",
        "disaster",
        "accident",
        "business_failure",
        "employment",
        "labour_loss",
        "housing",
        "water",
        "epidemic",
        "income",
        "other",
    )
    for version in ("NAT-2020", "NAT-2023", "NAT-2026"):
        policy = shipped_policy(version)
        assert not [r for r in risks if not policy.measures_for_risk(r)], version


def test_must_visit_has_all_eight_groups() -> None:
    groups = shipped_policy("NAT-2026").must_visit
    assert [g.order for g in groups] == list(range(1, 9))
    assert {"dibao", "tekun"} <= {g.code for g in groups}
