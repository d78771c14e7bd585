# ruff: noqa: S608  (paths of the test's own temporary files)
"""Record linkage (issue 24): ID repair, Splink linkage on a generated dirty file, linked clues
that wait for the village cadre's confirmation before a case can open."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import duckdb
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from villageaid.cases.models import Case
from villageaid.cases.services import clues as clue_services
from villageaid.core import idnumber
from villageaid.core.errors import ServiceError
from villageaid.core.models import AuditEvent
from villageaid.registry.models import Person
from villageaid.screening import linkage, services
from villageaid.screening.linkage_synth import generate
from villageaid.screening.models import Clue, ScreeningRun
from villageaid.screening.tests.samples import clue_for, run_in
from villageaid.testing import client_for

# --- GB 11643 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("110105491231002", "11010519491231002X"),  # the standard's own example
        ("130503670401001", "130503196704010016"),
        ("440524800101001", "440524198001010013"),
        ("３７１００３５２０３１５０３２", "371003195203150321"),  # full-width digits
    ],
)
def test_a_15_digit_id_is_upgraded_by_gb_11643(old: str, new: str) -> None:
    assert idnumber.upgrade_15(old) == new
    assert idnumber.is_valid(new)
    assert idnumber.repair_candidates(old) == [(new, idnumber.UPGRADED)]


@pytest.mark.parametrize("bad", ["11010549123100", "110105491331002", "11010549123100X"])
def test_a_15_digit_id_with_a_bad_date_or_length_is_not_upgraded(bad: str) -> None:
    with pytest.raises(idnumber.IdNumberError):
        idnumber.upgrade_15(bad)


def test_repair_candidates_are_candidates_not_corrections() -> None:
    good = "11010519491231002X"
    assert idnumber.repair_candidates(good) == []
    wrong_check = good[:17] + "5"
    found = dict(idnumber.repair_candidates(wrong_check))
    assert found[good] == idnumber.CHECK_DIGIT
    swapped = good[:10] + good[11] + good[10] + good[12:]  # month digits "12" -> "21"
    assert not idnumber.is_valid(swapped)
    found = dict(idnumber.repair_candidates(swapped))
    assert found.get(good) == idnumber.TRANSPOSED
    # every candidate is a valid ID and none is the input itself
    assert all(idnumber.is_valid(c) and c != swapped for c in found)


# --- linkage on a generated dirty file -------------------------------------------------------


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    root = tmp_path_factory.mktemp("linkage")
    generate(root, persons=4000, department_rows=800, seed=7)
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute(
        "CREATE TABLE registry AS SELECT id_number AS person_id, name, sex, birth_date, "
        f"village_code, household_code FROM read_parquet('{root / 'persons.parquet'}')"
    )
    con.execute(
        "CREATE TABLE department AS SELECT CAST(record_no AS VARCHAR) AS row_key, id_number, "
        f"name, sex, birth_date, village_code FROM read_parquet('{root / 'medical_claims.parquet'}')"
    )
    con.execute(
        "CREATE TABLE truth AS SELECT CAST(record_no AS VARCHAR) AS row_key, "
        "NULLIF(true_id, '') AS true_id, id_class FROM "
        f"read_parquet('{root / 'truth.parquet'}')"
    )
    linkage.link(con, registry="registry", department="department")
    return con


def test_linkage_reaches_high_precision_and_recall(linked: duckdb.DuckDBPyConnection) -> None:
    made, right, matchable = linked.execute(
        "SELECT count(l.person_id), count(*) FILTER (l.person_id = t.true_id), "
        "count(t.true_id) FROM truth t LEFT JOIN lk_links l ON l.row_key = t.row_key"
    ).fetchall()[0]
    assert made > 0
    assert right / made >= 0.99
    assert right / matchable >= 0.95


def test_rows_of_nobody_stay_unlinked_and_15_digit_ids_need_no_model(
    linked: duckdb.DuckDBPyConnection,
) -> None:
    rows = dict(
        linked.execute(
            "SELECT t.id_class, count(l.person_id) FILTER (l.person_id <> coalesce(t.true_id, '')) "
            "FROM truth t LEFT JOIN lk_links l ON l.row_key = t.row_key GROUP BY 1"
        ).fetchall()
    )
    assert rows["nobody"] <= 1  # at most one wrong link among ~160 rows of nobody
    kinds = dict(
        linked.execute(
            "SELECT t.id_class, list_distinct(list(l.kind)) FROM truth t JOIN lk_links l "
            "ON l.row_key = t.row_key GROUP BY 1"
        ).fetchall()
    )
    assert kinds["id15"] == [linkage.UPGRADED]
    assert kinds["missing"] == [linkage.LINKED]


def test_links_carry_probability_weight_and_the_agreed_fields(
    linked: duckdb.DuckDBPyConnection,
) -> None:
    rows = linked.execute(
        "SELECT probability, weight, agreed FROM lk_links WHERE kind = 'linked'"
    ).fetchall()
    assert rows and all(p >= linkage.THRESHOLD for p, _w, _a in rows)
    assert all(w > 0 and a for _p, w, a in rows)
    assert set().union(*(set(a) for *_x, a in rows)) <= set(linkage.AGREED_LABELS)


# --- the Django side ---------------------------------------------------------------------------


def _linked_clue(areas: dict[str, Any], code: str) -> Clue:
    from villageaid.cases.tests.factories import household

    clue = clue_for(household(areas["village"], code), run_in(areas["village"]))
    clue.link_status = Clue.Link.PENDING
    clue.linkage = [
        {
            "person": "110105********002X",
            "source": "medical_claims",
            "date": "2020-03-01",
            "kind": "linked",
            "probability": 0.9991,
            "weight": 14.2,
            "agreed": ["name_pinyin", "birth_date", "village"],
        }
    ]
    clue.save()
    return clue


@pytest.mark.django_db
def test_an_unconfirmed_linked_clue_cannot_open_a_case(areas: Any, cadre: Any) -> None:
    clue = _linked_clue(areas, "H-LK1")
    with pytest.raises(ServiceError) as refused:
        clue_services.clue_open_case(clue=clue, actor=cadre)
    assert refused.value.code == "link_unconfirmed"
    assert "确认" in refused.value.message
    assert not Case.objects.filter(household=clue.household).exists()
    page = client_for(cadre).post(reverse("case-open-clue", args=[clue.pk]), follow=True)
    assert "需村干部确认匹配后才能立案" in page.content.decode()
    assert not Case.objects.filter(household=clue.household).exists()
    services.clue_link_decide(clue=clue, confirm=True, actor=cadre)
    clue.refresh_from_db()
    assert clue.link_status == Clue.Link.CONFIRMED
    clue_services.clue_open_case(clue=clue, actor=cadre)
    assert Case.objects.filter(household=clue.household).count() == 1


@pytest.mark.django_db
def test_confirmation_is_area_checked_and_audited(
    areas: Any, cadre: Any, neighbour_cadre: Any, township_user: Any
) -> None:
    clue = _linked_clue(areas, "H-LK2")
    with pytest.raises((Http404, PermissionDenied)):
        services.clue_link_decide(clue=clue, confirm=True, actor=neighbour_cadre)
    with pytest.raises(PermissionDenied):
        services.clue_link_decide(clue=clue, confirm=True, actor=township_user)
    answer = client_for(neighbour_cadre).post(
        reverse("screening-clue-link", args=[clue.pk]), {"decision": "confirm"}
    )
    assert answer.status_code == 404
    clue.refresh_from_db()
    assert clue.link_status == Clue.Link.PENDING
    assert not AuditEvent.objects.filter(action__startswith="screening.clue.link").exists()
    client_for(cadre).post(reverse("screening-clue-link", args=[clue.pk]), {"decision": "reject"})
    clue.refresh_from_db()
    assert (clue.link_status, clue.status) == (Clue.Link.REJECTED, Clue.Status.DISMISSED)
    event = AuditEvent.objects.get(action="screening.clue.link_reject")
    assert event.actor_id == cadre.pk
    with pytest.raises(ServiceError):
        clue_services.clue_open_case(clue=clue, actor=cadre)
    with pytest.raises(ServiceError):  # a decision is taken once
        services.clue_link_decide(clue=clue, confirm=True, actor=cadre)


@pytest.mark.django_db
def test_the_clue_page_shows_the_match_in_chinese(
    areas: Any, cadre: Any, township_user: Any
) -> None:
    clue = _linked_clue(areas, "H-LK3")
    page = client_for(cadre).get(reverse("screening-clue-detail", args=[clue.pk])).content.decode()
    for text in ("待村干部确认匹配", "姓名同音（异体字或同音字）", "出生日期一致", "99.91%"):
        assert text in page
    assert "确认是本户成员" in page and "立案：开启即时帮扶流程" not in page
    page = client_for(township_user).get(reverse("screening-clue-detail", args=[clue.pk]))
    assert "确认是本户成员" not in page.content.decode()  # the township sees, cannot decide
    assert {str(label) for _v, label in Clue.Link.choices if _v} == {
        "待村干部确认匹配",
        "村干部已确认匹配",
        "村干部已否认匹配",
    }


@pytest.mark.django_db
def test_a_run_links_a_row_without_id_and_its_clue_waits_for_confirmation(
    areas: Any, tmp_path: Path, settings: Any, cadre: Any
) -> None:
    """End to end: a 医保 claim with no ID but the name, birth date, sex and village of a
    Beima person raises R01 for that household, pending; the bad-ID list keeps only the
    row of nobody."""
    from villageaid.core.demo import DemoContext
    from villageaid.registry import demo as registry_demo

    settings.MEDIA_ROOT = str(tmp_path / "media")
    registry_demo.load(DemoContext(password="x", stdout=io.StringIO()))
    person = Person.objects.select_related("household__village").order_by("pk").first()
    assert person is not None
    village = person.household.village.code
    sources = tmp_path / "sources"
    sources.mkdir()
    columns = "id_number,name,sex,birth_date,village_code,admission_date,discharge_date,total_cost,self_pay"
    rows = [
        ["", person.name, person.sex, person.birth_date.isoformat(), village, "2020-03-01",
         "2020-03-09", "60000", "30000"],
        ["", "欧阳无名", "1", "1961-02-03", village, "2020-03-02", "2020-03-05", "9000", "100"],
    ]  # fmt: skip
    with (sources / "medical_claims.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns.split(","))
        writer.writerows(rows)
    run = services.run_create(
        as_of=__import__("datetime").date(2020, 4, 1), area=areas["village"], actor=None
    )
    services.run_execute(run, sources_dir=sources)
    run = ScreeningRun.objects.get(pk=run.pk)
    assert run.linkage["linked"] == 1 and run.linkage["unmatched"] == 1
    assert run.bad_id_counts["medical_claims"] == 1
    clue = Clue.objects.get(run=run, rule_code="R01", household=person.household)
    assert clue.link_status == Clue.Link.PENDING
    assert clue.linkage[0]["person"] == idnumber.mask(person.id_number)
    assert {"name", "birth_date", "village"} <= set(clue.linkage[0]["agreed"])
    page = client_for(cadre).get(reverse("screening-run-detail", args=[run.pk])).content.decode()
    assert "按姓名等匹配 1（待村干部确认），未匹配 1" in page
