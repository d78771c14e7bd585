"""Journey: the county user uploads the medical-insurance bureau's claims and runs
a screening in the browser; the clue it raises becomes a case that a village cadre
walks, with the county and township users logged in in turn in the same browser,
through home verification, information comparison, democratic review and the
public notice, and for which the township records assistance.

Screening is a county task by policy (a village cadre cannot start a run), so the
county user runs it and the cadre takes over at the pushed clue.

Every step runs on its page, from 立案 on the clue to the township's review. The notice must
stay up `min_days` (5) days before it can be closed; the test moves the notice's
`opened_on` back 5 days to stand for that wait.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from villageaid.cases.models import Case, CaseMeasure, Notice
from villageaid.cases.tests.factories import household
from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.screening.models import Clue, ScreeningRun

SHOTS = Path(os.environ.get("ARTIFACTS_DIR", "artifacts"))


def _login_as(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    browser_login(page, live_server, username)


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"journey_case_{name}.png"), full_page=True)


def _act(page: Any, live_server: Any, case: Case, fields: dict[str, str]) -> None:
    page.goto(f"{live_server.url}/cases/{case.pk}/act/")
    page.select_option("select[name=decision]", "pass")
    for name, value in fields.items():
        page.fill(f"[name={name}]", value)
    page.click("main form button.btn-success, form button.btn-success")
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_cadre_walks_a_clue_case_to_the_notice_and_assistance(
    page: Any, live_server: Any, make_user: Any, areas: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    home = household(areas["village"], "3710031052010777", health="healthy")
    type(home).objects.filter(pk=home.pk).update(head_name="韩明")  # pages name it 韩明户
    home.refresh_from_db()
    head = home.members.get()
    make_user(Role.CADRE, username="cadre-case-journey")
    make_user(Role.COUNTY, username="county-case-journey")
    make_user(Role.TOWNSHIP, username="township-case-journey")
    SHOTS.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()

    # 0. The county user uploads the medical-insurance claims and runs the screening.
    claims = tmp_path / "medical_claims.csv"
    admitted = today - dt.timedelta(days=20)
    claims.write_text(
        "id_number,admission_date,discharge_date,total_cost,self_pay\n"
        f"{head.id_number},{admitted},{admitted + dt.timedelta(days=9)},48000,12000\n",
        encoding="utf-8",
    )
    _login_as(page, live_server, "county-case-journey")
    page.goto(f"{live_server.url}/screening/datasets/upload/")
    page.select_option("select[name=name]", "medical_claims")
    page.fill("#period_start", str(today - dt.timedelta(days=364)))
    page.fill("#period_end", str(today))
    page.set_input_files("#file", str(claims))
    page.click("main form button.btn-success, form button.btn-success")
    page.wait_for_load_state()
    assert page.url.endswith("/screening/datasets/"), page.url
    assert "medical_claims" in page.content()
    _shot(page, "0_dataset")
    page.goto(f"{live_server.url}/screening/runs/start/")
    page.fill("#as_of", str(today))
    page.click("main form button.btn-success, form button.btn-success")
    page.wait_for_load_state()
    run = ScreeningRun.objects.get()
    assert page.url.endswith(f"/screening/runs/{run.pk}/")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # the run's job
    run.refresh_from_db()
    assert run.status == "done", run.status
    page.reload()
    assert "R01" in page.content()
    _shot(page, "0_run")
    clue = Clue.objects.get(run=run, rule_code="R01", household=home)

    # 1. The cadre sees the clue pushed to the village.
    _login_as(page, live_server, "cadre-case-journey")
    page.goto(f"{live_server.url}/screening/clues/")
    assert "韩明户" in page.content()
    page.goto(f"{live_server.url}/screening/clues/{clue.pk}/")
    assert "R01" in page.content()
    _shot(page, "1_clue")

    # 2. Open the case from the clue: one tap on 立案 on the clue page.
    page.click("text=立案：开启即时帮扶流程")
    page.wait_for_load_state()
    clue.refresh_from_db()
    case = Case.objects.get(pk=clue.case_id)
    assert clue.case_id == case.pk and case.source == Case.Source.CLUE
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert "韩明户" in page.content()
    _shot(page, "2_opened")

    # 3. Home verification with the signed authorisation (cadre).
    page.goto(f"{live_server.url}/cases/{case.pk}/verify/")
    page.fill("#id_wage", "3000")
    page.fill("#id_business", "1200")
    page.check("#id_authorised")
    page.check("input[name=risk_types][value=illness]")
    _shot(page, "3_verify_form")
    page.click("form button.btn-success")
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{case.pk}/")
    case.refresh_from_db()
    assert "verify" in case.done_steps and case.authorisations.exists()
    assert case.step is not None and case.step.code == "compare"
    _shot(page, "3_verified")

    # 4. Information comparison (county user, same browser).
    _login_as(page, live_server, "county-case-journey")
    _act(page, live_server, case, {"comparisons": "民政局：无异常\n车管所：无车辆"})
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "review", case.done_steps
    _shot(page, "4_compared")

    # 5. Democratic review (cadre).
    _login_as(page, live_server, "cadre-case-journey")
    _act(
        page,
        live_server,
        case,
        {"attendees": "21", "votes_for": "21", "votes_against": "0", "minutes": "一致同意"},
    )
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "notice", case.done_steps
    _shot(page, "5_reviewed")

    # 6. Public notice: published from the notice page, up 5 days, then closed.
    page.goto(f"{live_server.url}/cases/notices/")
    assert "韩明户" in page.content()
    page.click("form button.btn-success")
    page.wait_for_load_state()
    notice = Notice.objects.get(cases=case)
    assert page.url.endswith(f"/cases/notices/{notice.pk}/")
    _shot(page, "6_notice_published")
    Notice.objects.filter(pk=notice.pk).update(
        opened_on=timezone.localdate() - dt.timedelta(days=notice.min_days)
    )
    page.reload()
    page.click("form:has(input[value=close]) button")
    page.wait_for_load_state()
    notice.refresh_from_db()
    assert notice.closed_on == timezone.localdate()
    _shot(page, "6_notice_closed")
    _act(page, live_server, case, {})
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "township", case.done_steps

    # 7. The township records immediate assistance and passes its review.
    _login_as(page, live_server, "township-case-journey")
    page.goto(f"{live_server.url}/cases/{case.pk}/measures/")
    page.select_option("select[name=measure]", "township_fund")
    page.fill("[name=department]", "宋村镇")
    page.fill("[name=amount]", "2000")
    page.select_option("select[name=status]", "delivered")
    page.click("form:not(:has(input[value=progress])) button.btn-success")
    page.wait_for_load_state()
    measure = CaseMeasure.objects.get(case=case)
    assert measure.measure == "township_fund" and measure.amount == 2000
    assert measure.status == "delivered" and measure.immediate
    assert "宋村镇" in page.content()
    _shot(page, "7_assistance")
    _act(page, live_server, case, {})
    case.refresh_from_db()
    assert case.step is not None and case.step.code == "county", case.done_steps
    assert case.status == Case.Status.OPEN
    assert Clue.objects.get(pk=clue.pk).status == Clue.Status.OPEN
    _shot(page, "8_at_county")
