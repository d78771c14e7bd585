"""The demo village and the registry generator."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from villageaid.core import idnumber
from villageaid.registry import labels, synth

AS_OF = synth.REFERENCE_DATE


def age(person: dict[str, str]) -> int:
    born = dt.date.fromisoformat(person["birth_date"])
    return AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))


def members(village: synth.DemoVillage) -> dict[str, list[dict[str, str]]]:
    by_household: dict[str, list[dict[str, str]]] = defaultdict(list)
    for person in village.persons:
        by_household[person["household_code"]].append(person)
    return by_household


def per_capita(household: dict[str, str], people: list[dict[str, str]]) -> float:
    return float(household["net_income_12m"]) / len(people)


def test_check_digit_test_vector() -> None:
    assert synth.check_digit("11010519491231002") == "X"
    assert synth.make_id("110105", dt.date(1949, 12, 31), 2) == "11010519491231002X"


@pytest.mark.parametrize("year", [1920, 1982, 1983, 1986, 1987, 1988, 1989, 2013, 2014, 2020])
def test_wendeng_area_codes_pass_validation(year: int) -> None:
    area = synth.area_code_for("371003", year)
    assert idnumber.is_valid(synth.make_id(area, dt.date(year, 6, 1), 11))
    assert area == ("371081" if 1989 <= year < 2014 else area)


def test_beima_counts(beima: synth.DemoVillage) -> None:
    assert len(beima.households) == 460
    assert len(beima.persons) == 1064
    assert sum(h["household_type"] == "tuopin" for h in beima.households) == 39
    assert len({h["household_code"] for h in beima.households}) == 460
    assert {h["village_code"] for h in beima.households} == {synth.BEIMA_CODE}
    assert all(p["status"] == "active" for p in beima.persons)


def test_beima_is_deterministic(beima: synth.DemoVillage) -> None:
    again = synth.beima_village()
    assert again.persons == beima.persons and again.households == beima.households


def test_beima_ids_are_valid_unique_and_consistent(beima: synth.DemoVillage) -> None:
    ids = [p["id_number"] for p in beima.persons]
    assert len(set(ids)) == len(ids)
    for person in beima.persons:
        assert idnumber.validate(person["id_number"]) == person["id_number"]
        assert idnumber.birth_date(person["id_number"]).isoformat() == person["birth_date"]
        assert idnumber.sex(person["id_number"]) == person["sex"]


def test_beima_households_are_plausible(beima: synth.DemoVillage) -> None:
    for code, people in members(beima).items():
        assert sum(p["relationship"] == "01" for p in people) == 1, code
        head = next(p for p in people if p["relationship"] == "01")
        for person in people:
            if person["relationship"] == "10":
                assert person["sex"] != head["sex"]
            if person["relationship"] in ("20", "28"):
                assert person["sex"] == "1"
            if person["relationship"] in ("30", "38"):
                assert person["sex"] == "2"
            if person["relationship"] in ("20", "30"):
                assert age(head) - age(person) >= 18
    phones = [h["phone"] for h in beima.households]
    assert all(len(p) == 11 and p.startswith("1") for p in phones) and len(set(phones)) == 460


def test_beima_is_an_ageing_village(beima: synth.DemoVillage) -> None:
    ages = [age(p) for p in beima.persons]
    assert sum(a >= 60 for a in ages) / len(ages) > 0.35
    assert sum(a >= 80 for a in ages) >= 19  # the article visited 19 party members over 80
    assert 50 < sum(a < 16 for a in ages) < 200


STAGE_AGES = {
    "preschool": (0, 7),
    "primary": (5, 13),
    "junior": (11, 16),
    "senior": (14, 19),
    "vocational": (14, 19),
    "college": (17, 23),
    "not_enrolled": (15, 30),
}


def test_beima_labour_and_school_fit_age(beima: synth.DemoVillage) -> None:
    for person in beima.persons:
        years = age(person)
        if years < 16:
            assert person["labour"] == "none", person  # Q06
            assert person["school_stage"] in (
                "preschool",
                "primary",
                "junior",
                "senior",
                "vocational",
            )
        if person["school_stage"]:
            low, high = STAGE_AGES[person["school_stage"]]
            assert low <= years <= high, person
        else:
            assert years >= 22, person
        if 16 <= years < 60 and person["health"] == "healthy" and not person["school_stage"]:
            assert person["labour"] != "none", person  # national check 2_01_010


def test_beima_monitored_households_are_consistent(beima: synth.DemoVillage) -> None:
    households = {h["household_code"]: h for h in beima.households}
    people = members(beima)
    monitored = [h for h in beima.households if h["monitoring_status"] != "none"]
    assert sorted(h["household_code"] for h in monitored) == sorted(synth.BEIMA_MONITORED_CODES)
    for household in monitored:
        risks = household["risk_types"].split(";")
        assert household["monitoring_category"] and risks != [""]  # Q04
        healths = {p["health"] for p in people[household["household_code"]]}
        if "illness" in risks:
            assert healths & {"chronic", "serious"}  # Q05
        if "disability" in risks:
            assert "disabled" in healths
        kind = household["household_type"]
        assert household["monitoring_category"] != "unstable" or kind == "tuopin"
    for code in synth.BEIMA_MONITORED_CODES:
        for person in people[code]:
            assert age(person) < 60 or person["labour"] == "none"
    assert households[synth.BEIMA_MONITORED_CODES[0]]["monitoring_category"] == "unstable"


def test_beima_marginal_candidates(beima: synth.DemoVillage) -> None:
    households = {h["household_code"]: h for h in beima.households}
    people = members(beima)
    candidates = {c.household_code: c for c in beima.marginal_candidates}
    assert sorted(candidates) == sorted(synth.BEIMA_MARGINAL_CODES) and len(candidates) == 8
    for code, candidate in candidates.items():
        household = households[code]
        assert household["household_type"] == "general"
        assert household["monitoring_status"] == "none"
        income = per_capita(household, people[code])
        if candidate.reason == "income":
            assert income < 6000  # R10 with the 2020 line
        else:
            assert candidate.reason == "medical" and income >= 6000
            assert any(p["health"] == "serious" for p in people[code])
            assert (float(household["net_income_12m"]) - candidate.self_pay) / len(
                people[code]
            ) < 6000
        risks, unknown = labels.risk_types_from_labels(candidate.risk_types.replace(";", "、"))
        assert risks and not unknown


def test_only_the_candidates_are_below_the_line(beima: synth.DemoVillage) -> None:
    people = members(beima)
    below = {
        h["household_code"]
        for h in beima.households
        if h["monitoring_status"] != "monitored"
        and per_capita(h, people[h["household_code"]]) < 6000
    }
    income = {c.household_code for c in beima.marginal_candidates if c.reason == "income"}
    assert below == income


def test_beima_suspected_problem_and_epidemic_household(beima: synth.DemoVillage) -> None:
    households = {h["household_code"]: h for h in beima.households}
    problem = beima.suspected_problem
    assert problem.household_code == synth.BEIMA_SUSPECTED_PROBLEM_CODE
    assert households[problem.household_code]["household_type"] == "tuopin"
    owner = next(p for p in beima.persons if p["id_number"] == problem.id_number)
    assert owner["status"] == "active" and 16 <= age(owner) < 60
    assert (
        problem.vehicle["vehicle_type"] == "car" and int(problem.vehicle["purchase_price"]) >= 30000
    )
    records = synth.beima_department_records()
    assert records["vehicles"] == [problem.vehicle]
    assert len(records["medical_claims"]) == 3
    epidemic = households[beima.epidemic_household]
    assert epidemic["household_type"] == "tuopin" and epidemic["monitoring_status"] == "none"
    head = next(
        p
        for p in beima.persons
        if p["household_code"] == beima.epidemic_household and p["relationship"] == "01"
    )
    assert head["labour"] == "normal"


def test_generate_registry_exact_size_and_unique_ids() -> None:
    villages = ["371003105201", "371003105202", "110105001001"]
    households, persons = synth.generate_registry(3000, seed=5, villages=villages)
    assert len(persons) == 3000
    assert len({p["id_number"] for p in persons}) == 3000
    assert {h["village_code"] for h in households} == set(villages)
    codes = {h["household_code"] for h in households}
    assert len(codes) == len(households) and {p["household_code"] for p in persons} == codes
    assert all(idnumber.is_valid(p["id_number"]) for p in persons)
    heads = Counter(p["household_code"] for p in persons if p["relationship"] == "01")
    assert set(heads.values()) == {1} and len(heads) == len(households)
    assert synth.generate_registry(3000, seed=5, villages=villages) == (households, persons)


def test_iter_registry_streams() -> None:
    stream = synth.iter_registry(1_000_000, seed=1)
    first = [next(stream) for _ in range(10)]
    assert all(len(people) >= 1 for _household, people in first)
