"""Each rule of INTERFACES 3.2 at its boundaries; engine and reference must agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from villageaid.screening.engine import build_catalogue, reference, run_screening
from villageaid.screening.tests.builders import (
    AS_OF,
    born_years_ago,
    household,
    make_id,
    person,
    write_world,
)

ADULT = make_id(dt.date(1980, 5, 6), 1)
PERIOD_START = AS_OF - dt.timedelta(days=364)
BEFORE = (PERIOD_START - dt.timedelta(days=1)).isoformat()
AFTER = (AS_OF + dt.timedelta(days=1)).isoformat()
IN = "2025-01-15"
TUOPIN = {"household_type": "tuopin"}
MONITORED = {"monitoring_status": "monitored", "risk_types": "other"}


def screen(tmp_path: Path, hh: dict[str, Any], people: list[dict[str, Any]], sources: Any) -> set:
    registry, src = write_world(tmp_path, [hh], people, sources)
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    engine = {c.rule_code for c in result.clues}
    expected = reference.evaluate(
        build_catalogue(as_of=AS_OF), registry_dir=registry, sources_dir=src
    )
    assert reference.canonical([c.__dict__ for c in result.clues]) == reference.canonical(expected)
    return engine


def claim(day: str, self_pay: str, pid: str = ADULT) -> dict[str, Any]:
    return {
        "id_number": pid,
        "admission_date": day,
        "discharge_date": day,
        "total_cost": "50000",
        "self_pay": self_pay,
    }


def insured(start: str) -> dict[str, Any]:
    return {"id_number": ADULT, "start_date": start}


def low_income(category: str) -> dict[str, Any]:
    return {"id_number": ADULT, "category": category, "recognised_date": IN}


def business(role: str, entity_type: str) -> dict[str, Any]:
    return {
        "id_number": ADULT,
        "role": role,
        "status": "active",
        "registered_capital": "50000",
        "entity_type": entity_type,
    }


CASES = [
    # R01: strictly over 6000 (covered) / 10000 (others); admission date in the period
    ("R01", TUOPIN, {}, {"medical_claims": [claim(IN, "6000.01")]}, True),
    ("R01", TUOPIN, {}, {"medical_claims": [claim(IN, "6000")]}, False),
    ("R01", {}, {}, {"medical_claims": [claim(IN, "6000.01")]}, False),
    ("R01", {}, {}, {"medical_claims": [claim(IN, "10000.01")]}, True),
    ("R01", {}, {}, {"medical_claims": [claim(IN, "10000")]}, False),
    ("R01", TUOPIN, {}, {"medical_claims": [claim(PERIOD_START.isoformat(), "7000")]}, True),
    ("R01", TUOPIN, {}, {"medical_claims": [claim(BEFORE, "7000")]}, False),
    ("R01", TUOPIN, {}, {"medical_claims": [claim(AS_OF.isoformat(), "7000")]}, True),
    ("R01", TUOPIN, {}, {"medical_claims": [claim(AFTER, "7000")]}, False),
    ("R01", TUOPIN, {"status": "deceased"}, {"medical_claims": [claim(IN, "7000")]}, False),
    # R02: summed self-pay over net income
    (
        "R02",
        {"net_income_12m": "5000"},
        {},
        {"medical_claims": [claim(IN, "2500"), claim("2025-02-01", "2500.01")]},
        True,
    ),
    (
        "R02",
        {"net_income_12m": "5000"},
        {},
        {"medical_claims": [claim(IN, "2500"), claim("2025-02-01", "2500")]},
        False,
    ),
    (
        "R02",
        {"net_income_12m": "5000"},
        {},
        {"medical_claims": [claim(IN, "2500"), claim(BEFORE, "2600")]},
        False,
    ),
    # R03: issued in the period, or grade 1-2 while not covered
    (
        "R03",
        TUOPIN,
        {},
        {"disability_certificates": [{"id_number": ADULT, "grade": "3", "issued_date": IN}]},
        True,
    ),
    (
        "R03",
        TUOPIN,
        {},
        {"disability_certificates": [{"id_number": ADULT, "grade": "1", "issued_date": BEFORE}]},
        False,
    ),
    (
        "R03",
        {},
        {},
        {"disability_certificates": [{"id_number": ADULT, "grade": "2", "issued_date": BEFORE}]},
        True,
    ),
    (
        "R03",
        {},
        {},
        {"disability_certificates": [{"id_number": ADULT, "grade": "3", "issued_date": BEFORE}]},
        False,
    ),
    (
        "R03",
        {},
        {},
        {"disability_certificates": [{"id_number": ADULT, "grade": "1", "issued_date": AFTER}]},
        False,
    ),
    # R05: loss of at least 10000
    (
        "R05",
        {},
        {},
        {
            "disasters": [
                {"id_number": ADULT, "event_date": IN, "kind": "flood", "loss_amount": "10000"}
            ]
        },
        True,
    ),
    (
        "R05",
        {},
        {},
        {
            "disasters": [
                {"id_number": ADULT, "event_date": IN, "kind": "flood", "loss_amount": "9999.99"}
            ]
        },
        False,
    ),
    (
        "R05",
        {},
        {},
        {
            "disasters": [
                {"id_number": ADULT, "event_date": AFTER, "kind": "flood", "loss_amount": "20000"}
            ]
        },
        False,
    ),
    # R06: covered household only
    ("R06", TUOPIN, {}, {"unemployment": [{"id_number": ADULT, "registered_date": IN}]}, True),
    ("R06", {}, {}, {"unemployment": [{"id_number": ADULT, "registered_date": IN}]}, False),
    (
        "R06",
        MONITORED,
        {},
        {"unemployment": [{"id_number": ADULT, "registered_date": BEFORE}]},
        False,
    ),
    # R07: latest appraisal decides
    (
        "R07",
        {},
        {},
        {
            "housing_appraisals": [
                {"id_number": ADULT, "appraisal_date": "2020-01-01", "grade": "D"}
            ]
        },
        True,
    ),
    (
        "R07",
        {},
        {},
        {
            "housing_appraisals": [
                {"id_number": ADULT, "appraisal_date": "2020-01-01", "grade": "D"},
                {"id_number": ADULT, "appraisal_date": "2024-01-01", "grade": "B"},
            ]
        },
        False,
    ),
    (
        "R07",
        {},
        {},
        {
            "housing_appraisals": [
                {"id_number": ADULT, "appraisal_date": "2024-01-01", "grade": "B"},
                {"id_number": ADULT, "appraisal_date": AFTER, "grade": "C"},
            ]
        },
        False,
    ),
    # R09: not monitored
    (
        "R09",
        TUOPIN,
        {},
        {"social_assistance": [{"id_number": ADULT, "programme": "dibao", "start_date": IN}]},
        True,
    ),
    (
        "R09",
        MONITORED,
        {},
        {"social_assistance": [{"id_number": ADULT, "programme": "dibao", "start_date": IN}]},
        False,
    ),
    (
        "R09",
        {},
        {},
        {"social_assistance": [{"id_number": ADULT, "programme": "dibao", "start_date": BEFORE}]},
        False,
    ),
    # R10 line 8700 in 2025; one active member
    ("R10", {"net_income_12m": "8699.99"}, {}, {}, True),
    ("R10", {"net_income_12m": "8700"}, {}, {}, False),
    ("R10", {"net_income_12m": "100", **MONITORED}, {}, {}, False),
    ("R10", {"net_income_12m": "100"}, {"status": "moved_out"}, {}, False),
    # R11 fires only where R10 does not
    ("R11", {"net_income_12m": "9000"}, {}, {"medical_claims": [claim(IN, "301")]}, True),
    ("R11", {"net_income_12m": "9000"}, {}, {"medical_claims": [claim(IN, "300")]}, False),
    ("R11", {"net_income_12m": "8000"}, {}, {"medical_claims": [claim(IN, "301")]}, False),
    # R12, A01-A05
    ("R12", {}, {"medical_insurance": "0"}, {}, True),
    ("R12", {}, {"medical_insurance": "0", "status": "deceased"}, {}, False),
    # R12: 职工医保 is basic medical insurance too (社会保险法 第二十三条)
    ("R12", {}, {"medical_insurance": "0"}, {"employee_insurance": [insured("2019-01-01")]}, False),
    ("R12", {}, {"medical_insurance": "0"}, {"employee_insurance": [insured(AFTER)]}, True),
    # R13 (on from NAT-2025): 民政 低收入人口 not yet monitored
    ("R13", {}, {}, {"low_income": [low_income("dibao")]}, True),
    ("R13", MONITORED, {}, {"low_income": [low_income("tekun")]}, False),
    ("R13", {}, {}, {"low_income": [{**low_income("dibao"), "recognised_date": AFTER}]}, False),
    # A02: a cooperative's shareholder (成员出资) is not a business owner (农民专业合作社法)
    ("A02", TUOPIN, {}, {"businesses": [business("shareholder", "cooperative")]}, False),
    ("A02", TUOPIN, {}, {"businesses": [business("legal_rep", "cooperative")]}, True),
    ("A02", TUOPIN, {}, {"businesses": [business("shareholder", "company")]}, True),
    (
        "A01",
        TUOPIN,
        {},
        {
            "vehicles": [
                {
                    "id_number": ADULT,
                    "vehicle_type": "car",
                    "purchase_price": "30000",
                    "registered_date": "2020-01-01",
                }
            ]
        },
        True,
    ),
    (
        "A01",
        TUOPIN,
        {},
        {
            "vehicles": [
                {
                    "id_number": ADULT,
                    "vehicle_type": "car",
                    "purchase_price": "29999.99",
                    "registered_date": "2020-01-01",
                }
            ]
        },
        False,
    ),
    (
        "A01",
        {},
        {},
        {
            "vehicles": [
                {
                    "id_number": ADULT,
                    "vehicle_type": "truck",
                    "purchase_price": "90000",
                    "registered_date": "2020-01-01",
                }
            ]
        },
        False,
    ),
    (
        "A01",
        TUOPIN,
        {},
        {
            "vehicles": [
                {
                    "id_number": ADULT,
                    "vehicle_type": "car",
                    "purchase_price": "90000",
                    "registered_date": AFTER,
                }
            ]
        },
        False,
    ),
    (
        "A02",
        TUOPIN,
        {},
        {
            "businesses": [
                {
                    "id_number": ADULT,
                    "role": "legal_rep",
                    "status": "active",
                    "registered_capital": "1",
                }
            ]
        },
        True,
    ),
    (
        "A02",
        TUOPIN,
        {},
        {
            "businesses": [
                {
                    "id_number": ADULT,
                    "role": "legal_rep",
                    "status": "closed",
                    "registered_capital": "1",
                }
            ]
        },
        False,
    ),
    ("A03", MONITORED, {}, {"real_estate": [{"id_number": ADULT, "property_type": "shop"}]}, True),
    (
        "A03",
        MONITORED,
        {},
        {"real_estate": [{"id_number": ADULT, "property_type": "rural_homestead"}]},
        False,
    ),
    ("A04", TUOPIN, {}, {"public_employees": [{"id_number": ADULT}]}, True),
    ("A04", {}, {}, {"public_employees": [{"id_number": ADULT}]}, False),
    ("A05", {}, {}, {"deaths": [{"id_number": ADULT, "death_date": "2010-01-01"}]}, True),
    ("A05", {}, {}, {"deaths": [{"id_number": ADULT, "death_date": AFTER}]}, False),
    (
        "A05",
        {},
        {"status": "deceased"},
        {"deaths": [{"id_number": ADULT, "death_date": IN}]},
        False,
    ),
    # Q rules
    ("Q01", {}, {"id_number": ADULT[:-1] + ("0" if ADULT[-1] != "0" else "1")}, {}, True),
    ("Q01", {}, {}, {}, False),
    ("Q03", {}, {"birth_date": "1980-05-07"}, {}, True),
    ("Q03", {}, {"sex": "2"}, {}, True),
    ("Q03", {}, {}, {}, False),
    ("Q04", {"monitoring_status": "monitored", "risk_types": ""}, {}, {}, True),
    ("Q04", MONITORED, {}, {}, False),
    ("Q05", {"risk_types": "illness"}, {"health": "healthy"}, {}, True),
    ("Q05", {"risk_types": "illness"}, {"health": "chronic"}, {}, False),
    ("Q05", {"risk_types": "employment"}, {"labour": "lost"}, {}, True),
    ("Q05", {"risk_types": "disability;other"}, {"health": "disabled"}, {}, False),
]


@pytest.mark.parametrize(("rule", "hh", "who", "sources", "fires"), CASES)
def test_rule_boundaries(
    tmp_path: Path, rule: str, hh: dict, who: dict, sources: dict, fires: bool
) -> None:
    fired = screen(tmp_path, household(**hh), [person(ADULT, **who)], sources)
    assert (rule in fired) is fires


@pytest.mark.parametrize(
    ("years", "days_after", "fires"),
    [(16, 0, True), (16, 1, False), (59, 0, True), (60, 0, False), (59, -1, True)],
)
def test_r04_and_r06_age_on_the_day(
    tmp_path: Path, years: int, days_after: int, fires: bool
) -> None:
    birth = born_years_ago(years, days_after=days_after)
    pid = make_id(birth, 3)
    death = {"deaths": [{"id_number": pid, "death_date": AS_OF.isoformat()}]}
    unemployed = {"unemployment": [{"id_number": pid, "registered_date": IN}]}
    fired = screen(tmp_path, household(**TUOPIN), [person(pid, status="deceased")], death)
    assert ("R04" in fired) is fires
    fired = screen(tmp_path / "b", household(**TUOPIN), [person(pid)], unemployed)
    assert ("R06" in fired) is fires


@pytest.mark.parametrize(("years", "fires"), [(5, False), (6, True), (15, True), (16, False)])
def test_r08_student_age(tmp_path: Path, years: int, fires: bool) -> None:
    pid = make_id(born_years_ago(years), 4)
    students = {"students": [{"id_number": pid, "status": "dropout", "as_of_date": IN}]}
    assert ("R08" in screen(tmp_path, household(), [person(pid, labour="none")], students)) is fires


@pytest.mark.parametrize(("years", "fires"), [(15, True), (16, False)])
def test_q06_under_16(tmp_path: Path, years: int, fires: bool) -> None:
    pid = make_id(born_years_ago(years), 5)
    assert ("Q06" in screen(tmp_path, household(), [person(pid, labour="weak")], {})) is fires


def test_age_from_recorded_birth_date_when_id_fails(tmp_path: Path) -> None:
    bad = ADULT[:-1] + ("0" if ADULT[-1] != "0" else "1")
    students = {"students": [{"id_number": bad, "status": "dropout", "as_of_date": IN}]}
    child = person(bad, birth_date=born_years_ago(10).isoformat(), labour="none")
    assert "R08" in screen(tmp_path, household(), [child], students)


def test_q02_duplicate_across_households(tmp_path: Path) -> None:
    registry, src = write_world(
        tmp_path,
        [household("H1"), household("H2")],
        [person(ADULT, "H1"), person(ADULT, "H2")],
        {},
    )
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    assert {(c.rule_code, c.household_code) for c in result.clues if c.rule_code == "Q02"} == {
        ("Q02", "H1"),
        ("Q02", "H2"),
    }


def test_evidence_masks_ids(tmp_path: Path) -> None:
    registry, src = write_world(tmp_path, [household()], [person(ADULT, medical_insurance="0")], {})
    result = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    (clue,) = [c for c in result.clues if c.rule_code == "R12"]
    assert ADULT not in clue.evidence
    assert f"{ADULT[:6]}********{ADULT[-4:]}" in clue.evidence
