"""The 2020 demo under the 2020 version, the worksheet page and PDF, and the time-travel
view of the epidemic household under NAT-2026."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from villageaid.accounts import demo as accounts_demo
from villageaid.cases import demo, worksheet
from villageaid.cases.models import Case, Notice
from villageaid.core.areas import areas_import
from villageaid.core.demo import DEMO_AREAS, DemoContext
from villageaid.registry import demo as registry_demo
from villageaid.registry import synth
from villageaid.registry.models import Household
from villageaid.testing import client_for

LATER_LABELS = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")


@pytest.fixture
def beima(db: Any) -> DemoContext:
    ctx = DemoContext(password="Demo-password-1", stdout=io.StringIO())
    areas_import(path=DEMO_AREAS)
    accounts_demo.load(ctx)
    registry_demo.load(ctx)
    demo.load(ctx)
    return ctx


@pytest.mark.django_db
def test_the_2020_demo_runs_under_the_2020_version(beima: DemoContext) -> None:
    epidemic = Case.objects.get(household__code=synth.BEIMA_EPIDEMIC_CODE)
    # 脱贫户, 6600 per head (above NAT-2020's 6000) after its income fell by a third in the
    # epidemic: 国开发〔2020〕6号 takes it in as 脱贫监测户 (收入大幅缩减), not 脱贫不稳定户
    assert epidemic.policy_version == "SD-2020" and epidemic.category == "tp_monitor"
    assert epidemic.deadline is None  # no national identification limit in 2020
    county = beima.users.get("county")
    client = client_for(county)
    for case in Case.objects.filter(household__village_id=synth.BEIMA_CODE):
        html = client.get(reverse("case-detail", args=[case.pk])).content.decode()
        assert not [w for w in LATER_LABELS if w in html], case.household.code
        assert "脱贫监测户" in html or "边缘户" in html
    notice = Notice.objects.filter(village_id=synth.BEIMA_CODE).first()
    assert notice is not None
    html = client.get(reverse("notice-detail", args=[notice.pk])).content.decode()
    assert not [w for w in LATER_LABELS if w in html]


@pytest.mark.django_db
def test_time_travel_shows_the_2026_category_with_the_rule(beima: DemoContext) -> None:
    household = Household.objects.get(code=synth.BEIMA_EPIDEMIC_CODE)
    on = dt.date(2020, 4, 20)
    now, later = worksheet.build(household, on), worksheet.build(household, on, version="NAT-2026")
    assert now.conclusion.category is not None and now.conclusion.category.label == "脱贫监测户"
    assert later.conclusion.category is not None
    assert later.conclusion.category.label == "突发严重困难户"
    assert any(c.rule == "R-CAT-1" for c in later.conclusion.checks)
    why_not = dict((c.code, reason) for c, reason in later.conclusion.others)
    assert "只能认定为突发严重困难户" in why_not["unstable"]
    client = client_for(beima.users.get("county"))
    url = reverse("case-worksheet", args=[household.pk])
    html = client.get(f"{url}?on=2020-04-20&compare=NAT-2026").content.decode()
    assert "脱贫监测户" in html and "突发严重困难户" in html and "R-CAT-1" in html
    assert "信息采集表" in html and "纳入监测对象的收入参考范围" in html
    assert "建档立卡人口的 5%" in html  # NAT-2020's scale guideline (S2)


@pytest.mark.django_db
def test_worksheet_agrees_with_the_county_decision(beima: DemoContext) -> None:
    for case in Case.objects.filter(household__village_id=synth.BEIMA_CODE):
        sheet = worksheet.build(case.household, case.decided_on or case.opened_on)
        assert sheet.conclusion.category is not None
        assert sheet.conclusion.category.code == case.category, case.household.code


@pytest.mark.django_db
def test_worksheet_pdf(beima: DemoContext) -> None:
    from villageaid.core import fonts

    assert fonts.installed(), "the shipped font is part of the build: run make assets"
    household = Household.objects.get(code=synth.BEIMA_EPIDEMIC_CODE)
    client = client_for(beima.users.get("county"))
    response = client.get(reverse("case-worksheet-pdf", args=[household.pk]) + "?on=2020-04-20")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_elimination_page_offers_both_modes_and_records_the_checks(beima: DemoContext) -> None:
    from villageaid.core.models import AuditEvent

    case = Case.objects.get(household__code=synth.BEIMA_EPIDEMIC_CODE)
    client = client_for(beima.users.get("cadre"))
    url = reverse("case-eliminate", args=[case.pk])
    html = client.get(url).content.decode()
    assert "帮扶消除" in html and "自然消除" in html and "R-ELIM-RISK" in html
    assert client.post(url, {}).status_code == 200  # no mode: refused, nothing opened
    assert not Case.objects.filter(identification=case).exists()
    assert client.post(url, {"mode": "natural"}).status_code == 302
    made = Case.objects.get(identification=case)
    assert made.summary == "风险消除（自然消除）"
    event = AuditEvent.objects.get(action="cases.elimination.checks", object_id=str(made.pk))
    assert event.after["mode"] == "natural" and {c["rule"] for c in event.after["checks"]} >= {
        "R-ELIM-MODE",
        "R-ELIM-STABLE",
        "R-ELIM-INCOME",
    }
