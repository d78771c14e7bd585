"""The Django side of screening: uploads, the catalogue, runs, pushes and who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from villageaid.conftest import client_for
from villageaid.core.models import AuditEvent
from villageaid.core.roles import Role
from villageaid.registry import synth
from villageaid.registry.models import Household
from villageaid.screening import demo, selectors, services
from villageaid.screening.models import CatalogueVersion, Clue, DepartmentDataset, ScreeningRun
from villageaid.screening.tests.samples import clue_for, run_in

pytestmark = pytest.mark.django_db


class _Out(io.StringIO):
    pass


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def beima(areas: dict[str, Any], media: Path) -> dict[str, Any]:
    """The Beima demo registry and the demo screening run of April 2020."""
    from villageaid.core.demo import DemoContext
    from villageaid.registry import demo as registry_demo

    ctx = DemoContext(password="x", stdout=_Out())
    registry_demo.load(ctx)
    demo.load(ctx)
    return {"ctx": ctx, "run": ScreeningRun.objects.get(area=areas["village"])}


def _codes(run: ScreeningRun) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule, code in run.clues.values_list("rule_code", "household__code"):
        found.setdefault(code, set()).add(rule)
    return found


def test_demo_run_raises_the_marginal_households_and_the_suspected_problem(
    beima: dict[str, Any],
) -> None:
    run = beima["run"]
    assert run.status == ScreeningRun.Status.DONE
    assert run.as_of == dt.date(2020, 4, 1)
    found = _codes(run)
    assert set(found) == {*synth.BEIMA_MARGINAL_CODES, synth.BEIMA_SUSPECTED_PROBLEM_CODE}
    assert found[synth.BEIMA_SUSPECTED_PROBLEM_CODE] == {"A01"}
    assert run.pushed_count == run.clue_count == Clue.objects.count()
    assert set(run.checksums) == {"medical_claims", "vehicles"}
    assert run.datasets.count() == 2
    clue = Clue.objects.get(household__code=synth.BEIMA_SUSPECTED_PROBLEM_CODE, rule_code="A01")
    assert clue.evidence[0]["person"] == "370632********1439"
    assert clue.area_path == clue.household.area_path


def test_rerunning_pushes_nothing_new(beima: dict[str, Any], areas: dict[str, Any]) -> None:
    before = Clue.objects.count()
    again = services.run_execute(
        services.run_create(as_of=demo.AS_OF, area=areas["village"], actor=None)
    )
    assert again.clue_count == beima["run"].clue_count
    assert again.pushed_count == 0
    assert Clue.objects.count() == before


def test_a_run_leaves_no_clue_file_behind(
    beima: dict[str, Any], areas: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's clue file is deleted once its clues are pushed; a caller that takes the
    result (``on_result``) owns it and closes it itself."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    services.run_execute(services.run_create(as_of=demo.AS_OF, area=areas["village"], actor=None))
    assert not list(tmp_path.glob("villageaid-clues-*"))
    taken: list[Any] = []
    services.run_execute(
        services.run_create(as_of=demo.AS_OF, area=areas["village"], actor=None),
        on_result=taken.append,
    )
    assert taken[0].clue_file.exists()
    taken[0].close()
    assert not list(tmp_path.glob("villageaid-clues-*"))


def test_the_push_reads_the_clue_file_in_batches(
    beima: dict[str, Any], areas: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two clues push exactly what one batch pushed (the demo run)."""
    pushed = set(Clue.objects.values_list("rule_code", "household__code", "fingerprint"))
    Clue.objects.all().delete()
    monkeypatch.setattr(services, "PUSH_BATCH", 2)
    run = services.run_execute(
        services.run_create(as_of=demo.AS_OF, area=areas["village"], actor=None)
    )
    assert run.pushed_count == run.clue_count == len(pushed) > 2
    assert set(Clue.objects.values_list("rule_code", "household__code", "fingerprint")) == pushed


def test_a_changed_dataset_pushes_only_the_new_clues(
    beima: dict[str, Any], areas: dict[str, Any]
) -> None:
    village = synth.beima_village()
    tuopin = {h["household_code"] for h in village.households if h["household_type"] == "tuopin"}
    owner = next(
        p
        for p in village.persons
        if p["household_code"] in tuopin
        and p["household_code"] != synth.BEIMA_SUSPECTED_PROBLEM_CODE
        and p["status"] == "active"
    )
    rows = synth.beima_department_records()["vehicles"] + [
        {
            "id_number": owner["id_number"],
            "vehicle_type": "truck",
            "purchase_price": "120000",
            "registered_date": "2019-11-02",
        }
    ]
    services.dataset_upload(
        name="vehicles",
        content=io.BytesIO(demo.department_csv("vehicles", rows)),
        filename="vehicles-202004-v2.csv",
        period_start=demo.PERIOD_START,
        period_end=demo.AS_OF,
        area=areas["county"],
        actor=None,
    )
    before = Clue.objects.count()
    run = services.run_execute(
        services.run_create(as_of=demo.AS_OF, area=areas["village"], actor=None)
    )
    assert run.pushed_count == 1
    new = Clue.objects.exclude(pk__lte=max(before, 0)).filter(run=run).get()
    assert (new.rule_code, new.household.code) == ("A01", owner["household_code"])
    assert (
        Clue.objects.filter(household__code=synth.BEIMA_SUSPECTED_PROBLEM_CODE)
        .filter(rule_code="A01")
        .count()
        == 1
    )


def _claims_csv(header: str, *lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("claims.csv", ("\n".join((header, *lines)) + "\n").encode())


def test_a_bad_department_file_gives_one_clear_error_and_stores_nothing(
    areas: dict[str, Any], media: Path
) -> None:
    upload = _claims_csv(
        "id_number,admission_date,discharge_date,total_cost", "110105194912310021,2020-01-01,,1"
    )
    with pytest.raises(services.UploadError) as caught:
        services.dataset_upload(
            name="medical_claims",
            content=upload,
            filename="claims.csv",
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2020, 3, 31),
            area=areas["county"],
            actor=None,
        )
    assert str(caught.value) == "claims.csv: missing required column 'self_pay'"
    assert DepartmentDataset.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert not AuditEvent.objects.filter(action="screening.dataset.upload").exists()


def test_the_upload_page_reports_the_error_and_counts_bad_ids(
    areas: dict[str, Any], make_user: Any, media: Path
) -> None:
    client = client_for(make_user(Role.COUNTY))
    url = reverse("screening-dataset-upload")
    form = {"name": "medical_claims", "period_start": "2020-01-01", "period_end": "2020-03-31"}
    bad = _claims_csv("id_number,admission_date", "110105194912310021,2020-01-01")
    response = client.post(url, {**form, "file": bad}, follow=True)
    assert "missing required column" in response.content.decode()
    assert DepartmentDataset.objects.count() == 0
    good = _claims_csv(
        "id_number,admission_date,discharge_date,total_cost,self_pay",
        "11010519491231002X,2020-01-01,2020-01-05,100,50",
        "110105194912310021,2020-01-01,2020-01-05,100,50",
        "12345,2020-02-01,2020-02-05,100,50",
    )
    response = client.post(url, {**form, "file": good})
    assert response.status_code == 302
    stored = DepartmentDataset.objects.get()
    assert (stored.row_count, stored.bad_id_count) == (3, 2)
    assert "*****" in stored.bad_ids and "110105********0021" in stored.bad_ids
    assert len(stored.sha256) == 64


def test_clue_visibility_cadre_neighbour_township(
    areas: dict[str, Any], cadre: Any, neighbour_cadre: Any, township_user: Any
) -> None:
    own = Household.objects.create(
        code="H-VIS-1", village=areas["village"], area_path=areas["village"].path
    )
    other = Household.objects.create(
        code="H-VIS-2", village=areas["neighbour"], area_path=areas["neighbour"].path
    )
    run = run_in(areas["county"])
    mine, theirs = clue_for(own, run), clue_for(other, run)
    assert list(selectors.clues_for(cadre)) == [mine]
    assert list(selectors.clues_for(neighbour_cadre)) == [theirs]
    assert set(selectors.clues_for(township_user)) == {mine, theirs}
    assert (
        client_for(cadre).get(reverse("screening-clue-detail", args=[theirs.pk])).status_code == 404
    )
    api = client_for(township_user).get("/api/v1/screening/clues").json()
    assert api["count"] == 2
    api = client_for(cadre).get("/api/v1/screening/clues").json()
    assert [c["household_code"] for c in api["items"]] == ["H-VIS-1"]
    # the county run is visible to the cadre, its chart counts only the cadre's clues
    chart = selectors.clue_counts(cadre, run)
    assert chart["legend"]["data"] == ["北马村"]


def test_the_landing_card_shows_new_clues_to_the_cadre(areas: dict[str, Any], cadre: Any) -> None:
    from villageaid.core.dashboard import today_for

    own = Household.objects.create(
        code="H-CARD-1", village=areas["village"], area_path=areas["village"].path
    )
    clue_for(own, run_in(areas["village"]))
    cards = [c for c in today_for(cadre) if c.title == "新线索"]
    assert len(cards) == 1 and cards[0].count == 1


def test_catalogue_edits_are_versioned_and_audited(areas: dict[str, Any], make_user: Any) -> None:
    county = make_user(Role.COUNTY)
    client = client_for(county)
    url = reverse("screening-catalogue-edit") + "?year=2020"
    page = client.get(url)
    assert page.status_code == 200
    form = {"monitoring_line": "6000", "R05.loss_threshold": "20000", "R05.enabled": "on"}
    assert client.post(url, form).status_code == 302
    first = CatalogueVersion.objects.get()
    assert first.overrides["rules"]["R05"]["loss_threshold"] == "20000"
    assert "R01" not in first.enabled_rules  # unchecked box disables the rule
    form["R05.loss_threshold"] = "25000"
    client.post(url, form)
    assert CatalogueVersion.objects.count() == 2
    versions = list(CatalogueVersion.objects.order_by("pk").values_list("version", flat=True))
    assert versions[0] != versions[1]
    events = AuditEvent.objects.filter(action="screening.catalogue.change").order_by("pk")
    assert events.count() == 2
    assert events[1].before == first.overrides
    # an invalid value is refused by the engine and stores nothing
    form["R05.loss_threshold"] = "-5"
    response = client.post(url, form)
    assert response.status_code == 200
    assert CatalogueVersion.objects.count() == 2
    # a cadre may read the catalogue but not change it
    cadre = client_for(make_user(Role.CADRE))
    assert cadre.get(reverse("screening-catalogue")).status_code == 200
    assert cadre.post(url, form).status_code == 403


def test_screen_live_no_push_writes_csv_and_leaves_the_database(
    areas: dict[str, Any], tmp_path: Path
) -> None:
    from villageaid.core.demo import DemoContext
    from villageaid.registry import demo as registry_demo

    registry_demo.load(DemoContext(password="x", stdout=_Out()))
    sources = tmp_path / "sources"
    sources.mkdir()
    for name, rows in synth.beima_department_records().items():
        (sources / f"{name}.csv").write_bytes(demo.department_csv(name, rows))
    out = tmp_path / "clues.csv"
    call_command(
        "screen", "--sources", str(sources), "--as-of", "2020-04-01", "--no-push", "--out", str(out)
    )
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["household_code"] for r in rows} >= set(synth.BEIMA_MARGINAL_CODES)
    assert ScreeningRun.objects.count() == 0 and Clue.objects.count() == 0


SCREENING_ROUTES = ("screening/",)


@pytest.mark.parametrize("role", list(Role))
def test_screening_pages_and_api_answer_per_policy(
    role: str, areas: dict[str, Any], make_user: Any
) -> None:
    """The URL permission test of core, restricted to this app's pages and API (so that it
    runs even while other apps' samples are being written)."""
    from villageaid.core.tests import test_permissions as tp

    user = make_user(role)
    client = client_for(user)
    known = tp.samples()
    failures = []
    checked = 0
    for route, name, pattern in tp.page_patterns():
        if not route.startswith(SCREENING_ROUTES):
            continue
        rule = pattern.callback.access_rule
        cases: list[tuple[dict[str, Any], bool]] = [({}, True)]
        if pattern.pattern.converters:
            made = known[name](areas)
            cases = [(made["own"], True), (made["other"], role not in tp.VILLAGE_LEVEL)]
        for kwargs, visible in cases:
            url = reverse(name, kwargs=kwargs)
            status = client.get(url).status_code
            checked += 1
            if status not in tp.expected(rule, role, visible=visible):
                failures.append(f"{role} GET {url} -> {status}")
    for path, operation in tp.api_operations():
        if not path.startswith("/screening") or "GET" not in operation.methods:
            continue
        rule = operation.view_func.access_rule
        if "{" in path:
            made = known[f"api:{operation.view_func.__name__}"](areas)
            api_cases = [(made["own_url"], True), (made["other_url"], role not in tp.VILLAGE_LEVEL)]
        else:
            api_cases = [("/api/v1" + path, True)]
        for url, visible in api_cases:
            status = client.get(url).status_code
            checked += 1
            if status not in tp.expected(rule, role, visible=visible):
                failures.append(f"{role} GET {url} -> {status}")
    assert checked == 13 + 6  # 10 pages (3 with own/other), 4 API GETs (2 with own/other)
    assert not failures, "\n".join(failures)


def test_run_and_clue_pages_show_chart_and_masked_evidence(
    beima: dict[str, Any], make_user: Any
) -> None:
    client = client_for(make_user(Role.CADRE))
    run = beima["run"]
    page = client.get(reverse("screening-run-detail", args=[run.pk])).content.decode()
    assert 'data-chart="run-chart"' in page and "北马村" in page
    clue = Clue.objects.get(household__code=synth.BEIMA_SUSPECTED_PROBLEM_CODE)
    page = client.get(reverse("screening-clue-detail", args=[clue.pk])).content.decode()
    assert "370632********1439" in page and "370632198603041439" not in page


def test_a_run_is_a_job_with_progress(areas: dict[str, Any], media: Path) -> None:
    from villageaid.core.models import JobProgress
    from villageaid.core.progress import Progress
    from villageaid.screening.jobs import screening_run

    run = services.run_create(as_of=dt.date(2020, 4, 1), area=areas["village"], actor=None)
    job = JobProgress.objects.get(pk=run.job_id)
    result = screening_run(Progress(job=job, interval=0), run_id=run.pk)
    job.refresh_from_db()
    run.refresh_from_db()
    assert result == {"run_id": run.pk, "clues": 0, "pushed": 0}
    assert (job.done, job.total) == (services.RUN_STEPS, services.RUN_STEPS)
    assert run.status == ScreeningRun.Status.DONE
    assert "R01" in run.skipped  # no medical claims uploaded


def test_screen_live_with_a_bad_file_names_it_and_writes_nothing(
    areas: dict[str, Any], tmp_path: Path
) -> None:
    from django.core.management.base import CommandError

    (tmp_path / "vehicles.csv").write_text("id_number,vehicle_type\n11010519491231002X,car\n")
    with pytest.raises(CommandError) as caught:
        call_command("screen", "--sources", str(tmp_path), "--as-of", "2020-04-01")
    assert (
        str(caught.value)
        == f"{tmp_path / 'vehicles.csv'}: missing required column 'purchase_price'"
    )
    assert ScreeningRun.objects.count() == 0 and Clue.objects.count() == 0


def test_screen_live_pushes_and_a_rerun_pushes_nothing(
    beima: dict[str, Any], tmp_path: Path
) -> None:
    for name, rows in synth.beima_department_records().items():
        (tmp_path / f"{name}.csv").write_bytes(demo.department_csv(name, rows))
    out = io.StringIO()
    call_command(
        "screen",
        "--sources",
        str(tmp_path),
        "--as-of",
        "2020-04-01",
        "--area",
        "371003105201",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "15 clues, 0 new pushed" in out.getvalue()
    assert ScreeningRun.objects.count() == 2
