"""Random valid registries survive write_roster_xlsx -> parse_roster unchanged."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villageaid.core import idnumber
from villageaid.registry import labels, synth
from villageaid.registry.roster import check_digit, parse_roster, validate_id

NAME_CHARS = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾于丛毕谷秀英建国华明丽"
)
Record = dict[str, str]


@st.composite
def registries(draw: st.DrawFn) -> tuple[list[Record], list[Record]]:
    households: list[Record] = []
    persons: list[Record] = []
    used: set[str] = set()
    for n in range(draw(st.integers(1, 4))):
        code = f"{draw(st.sampled_from(['', '37100310520', 'H']))}{n:04d}"
        kind = draw(st.sampled_from(["tuopin", "general"]))
        category = draw(
            st.sampled_from(["", "sudden", "unstable" if kind == "tuopin" else "marginal"])
        )
        status = draw(
            st.sampled_from(["monitored", "eliminated"] if category else ["none", "eliminated"])
        )
        risks = draw(st.sets(st.sampled_from(list(labels.RISK_TYPE_LABELS)), max_size=3))
        cents = draw(st.integers(-50_000_00, 2_000_000_00))
        phone = draw(st.one_of(st.just(""), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)))
        households.append(
            {
                "household_code": code,
                "village_code": synth.BEIMA_CODE,
                "household_type": kind,
                "monitoring_status": status,
                "monitoring_category": category,
                "risk_types": ";".join(r for r in labels.RISK_TYPE_LABELS if r in risks),
                "net_income_12m": f"{cents / 100:.2f}",
                "phone": phone,
            }
        )
        for m in range(draw(st.integers(1, 4))):
            persons.append(draw(people(code, "01" if m == 0 else None, used)))
    return households, persons


@st.composite
def people(draw: st.DrawFn, code: str, relationship: str | None, used: set[str]) -> Record:
    born = draw(st.dates(dt.date(1915, 1, 1), dt.date(2020, 3, 31)))
    sex = draw(st.sampled_from("12"))
    sequence = draw(st.integers(0, 499)) * 2 + (1 if sex == "1" else 0)
    id_number = synth.make_id(synth.area_code_for("371003", born.year), born, sequence or 2)
    if id_number in used:
        id_number = synth.make_id(
            synth.area_code_for("371003", born.year), born, 998 if sex == "2" else 999
        )
    used.add(id_number)
    others = [c for c in labels.RELATIONSHIP_LABELS if c != "01"]
    return {
        "household_code": code,
        "id_number": id_number,
        "name": draw(st.text(NAME_CHARS, min_size=1, max_size=4)),
        "relationship": relationship or draw(st.sampled_from(others)),
        "sex": sex,
        "birth_date": born.isoformat(),
        "health": draw(st.sampled_from(list(labels.HEALTH_LABELS))),
        "labour": draw(st.sampled_from(list(labels.LABOUR_LABELS))),
        "school_stage": draw(st.sampled_from(list(labels.SCHOOL_STAGE_LABELS))),
        "medical_insurance": draw(st.sampled_from("01")),
        "status": draw(st.sampled_from(list(labels.PERSON_STATUS_LABELS))),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registry=registries(), messy=st.booleans(), seed=st.integers(0, 1000))
def test_random_registries_survive_a_roster(
    registry: tuple[list[Record], list[Record]], messy: bool, seed: int
) -> None:
    households, persons = registry
    if len({p["id_number"] for p in persons}) != len(persons):
        return  # the rare collision left after the fallback sequence number
    with tempfile.TemporaryDirectory() as tmp:
        path = synth.write_roster_xlsx(
            Path(tmp) / "r.xlsx", households, persons, messy=messy, seed=seed
        )
        result = parse_roster(path, village_exists=lambda code: code == synth.BEIMA_CODE)
    assert result.rejected == []
    assert result.persons == persons
    assert result.households == households


def _verdict(check: object, value: str) -> str:
    try:
        return str(check(value))  # type: ignore[operator]
    except idnumber.IdNumberError as exc:
        return f"error:{exc.reason}:{exc}"
    except KeyError:  # python-stdnum on area codes known only above county level
        return "error:format:证件号码格式错误"


ID_LIKE = st.one_of(
    st.from_regex(
        r"(11|37|44|99)[0-9]{4}(19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx]", fullmatch=True
    ),
    st.text("0123456789Xx .E+", max_size=20),
)


@settings(max_examples=400, deadline=None)
@given(value=ID_LIKE, area=st.sampled_from(["371081", "371003", "372132", "110105", "999999"]))
def test_fast_id_validation_agrees_with_core(value: str, area: str) -> None:
    candidates = [value]
    if len(value) == 18 and value[:17].isdigit():
        first17 = area + value[6:17]
        candidates.append(first17 + check_digit(first17))
    for candidate in candidates:
        assert _verdict(validate_id, candidate) == _verdict(idnumber.validate, candidate)
