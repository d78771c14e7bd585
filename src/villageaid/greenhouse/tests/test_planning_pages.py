"""The investment page (from the cached simulator runs) and the seed what-if: who may open
them, what they say, and the what-if's bounded inputs and model."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.greenhouse import investment, whatif
from villageaid.greenhouse.tests.factories import house_in

pytestmark = pytest.mark.django_db


def _row(trace: str, option: str, policy: str, joint: float, **extra: Any) -> dict[str, Any]:
    row = {
        "trace": trace,
        "option": option,
        "policy": policy,
        "minutes": 1000,
        "minutes_in_band": int(joint * 10),
        "tib_joint_pct": joint,
        "tib_temp_pct": joint,
        "tib_rh_pct": joint,
        "oob_score": 100 - joint,
        "minutes_below_min": 111,
        "minutes_above_max": 0,
        "minutes_rh_below_min": 5,
        "minutes_rh_above_max": 222,
        "minutes_rh_above_max_night": 200,
        "frost_minutes": 0,
        "heat_minutes": 0,
        "dry_minutes": 0,
        "night_margin_k": 2.5,
        "max_switches_per_actuator_hour": 4,
        "energy_kwh": 100.0,
        "running_yuan": 55.0,
        "capital_yuan": 0 if option == "none" else 14900,
        "equipment": [],
    }
    row.update(extra)
    return row


def _cache(settings: Any, tmp_path: Path, film_joint: float) -> None:
    settings.DATA_DIR = tmp_path
    rows = []
    for trace in investment.TRACES:
        rows += [
            _row(trace, "none", "platform", 60.4, frost_minutes=400),
            _row(trace, "none", "oracle", 63.0),
            _row(trace, "film+blanket", "platform", film_joint, night_margin_k=6.0),
            _row(trace, "film+blanket", "oracle", 65.0),
        ]
    doc = {"computed_at": "2026-12-04T19:00:00+00:00", "days": None, "rows": rows}
    investment.write(doc)


def test_investment_page_says_why_no_option_reaches_the_goal(
    areas: dict[str, Any], make_user: Any, settings: Any, tmp_path: Path
) -> None:
    _cache(settings, tmp_path, film_joint=63.3)
    house_in(areas["village"], house_code="h1")
    house_in(areas["village"], house_code="h2")
    for role in (Role.TECH, Role.CADRE, Role.TOWNSHIP):
        page = client_for(make_user(role)).get("/greenhouse/investment/")
        assert page.status_code == 200, role
    html = page.content.decode()
    assert "没有方案达到 97%" in html
    assert "内膜+保温被" in html and "63.3%" in html
    assert "湿度高于85% 共 222 分钟（其中夜间 200 分钟）" in html
    assert "最好也只有 65.0%" in html
    # the cost for the park: capital + running per house × the houses the user sees
    assert "14955" in html and "29910" in html
    assert 'data-chart="investment-chart"' in html and "<script>" not in html
    chart = page.context["chart"]
    assert chart["series"][0]["markLine"]["data"] == [{"yAxis": 97.0}]
    assert page.context["tables"][0]["rows"][0]["risk"] == "high"  # 400 min of frost


def test_investment_page_recommends_the_cheapest_option_that_reaches_the_goal(
    areas: dict[str, Any], tech: Any, settings: Any, tmp_path: Path
) -> None:
    _cache(settings, tmp_path, film_joint=97.5)
    html = client_for(tech).get("/greenhouse/investment/").content.decode()
    assert "推荐 <strong>内膜+保温被</strong>：97.5% 的时间在适宜区间" in html


def test_investment_and_whatif_refuse_roles_outside_the_park(
    areas: dict[str, Any], make_user: Any
) -> None:
    for role in (Role.HELPER, Role.GRID, Role.GATE):
        user = make_user(role)
        assert client_for(user).get("/greenhouse/investment/").status_code == 403, role
        assert client_for(user).get("/greenhouse/what-if/").status_code == 403, role


def test_whatif_computes_the_loss_of_a_later_start_with_its_assumptions(
    areas: dict[str, Any], cadre: Any
) -> None:
    client = client_for(cadre)
    assert client.get("/greenhouse/what-if/").status_code == 200  # the empty form
    query = {
        "start": "2020-03-25",
        "option": "none",
        "houses": 40,
        "yield_kg_per_mu": 212,
        "price_early": 110,
        "price_late": 55,
    }
    page = client.get("/greenhouse/what-if/", query)
    assert page.status_code == 200
    chosen, reference = page.context["chosen"], page.context["reference"]
    assert chosen.first_pick > reference.first_pick
    assert page.context["loss"] > 0
    html = page.content.decode()
    assert "推迟复工少收入约" in html and "本次测算用到的假设" in html
    assert "4月5日前后开采" in html  # the calibration is shown, not hidden
    json.loads(html.split('id="whatif-chart" type="application/json">')[1].split("</script>")[0])


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", "2020-07-01"), ("yield_kg_per_mu", "5000"), ("houses", "0"), ("price_late", "-1")],
)
def test_whatif_refuses_out_of_range_inputs(
    areas: dict[str, Any], cadre: Any, field: str, value: str
) -> None:
    query = {
        "start": "2020-02-26",
        "option": "none",
        "houses": "10",
        "yield_kg_per_mu": "212",
        "price_early": "110",
        "price_late": "55",
        field: value,
    }
    page = client_for(cadre).get("/greenhouse/what-if/", query)
    assert page.status_code == 200
    assert page.context["form"].errors.get(field)
    assert "chosen" not in page.context


def test_whatif_model_is_calibrated_on_the_article_and_monotone() -> None:
    base = whatif.Inputs(dt.date(2020, 2, 11), 3.0, 30.0, 212.0, 110.0, 55.0)
    assert whatif.season(base).first_pick == whatif.CALIBRATION_FIRST_PICK
    revenues = [
        whatif.season(
            whatif.with_start(base, dt.date(2020, 2, 11) + dt.timedelta(days=d))
        ).revenue_yuan
        for d in range(0, 80, 5)
    ]
    assert all(a >= b for a, b in itertools.pairwise(revenues))
    warmer = whatif.season(whatif.Inputs(dt.date(2020, 2, 11), 6.0, 30, 212, 110, 55))
    assert warmer.first_pick is not None and warmer.first_pick < dt.date(2020, 4, 5)
    losing = whatif.start_losing(base, whatif.ARTICLE_LOSS_YUAN)
    assert losing is None or losing > whatif.USUAL_START


def test_the_investment_command_writes_after_every_run(tmp_path: Path) -> None:
    written: list[int] = []
    doc = investment.compute(
        options=["none"],
        traces=["shipped"],
        policies=["platform"],
        days=1,
        on_row=lambda d: written.append(len(d["rows"])),
    )
    assert written == [1]
    row = doc["rows"][0]
    assert row["policy"] == "platform" and row["minutes"] == 1440
    assert 0 <= row["tib_joint_pct"] <= 100 and row["capital_yuan"] == 0
