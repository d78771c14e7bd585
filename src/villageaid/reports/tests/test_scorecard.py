"""The scorecard: computed from records, stored, area-scoped, exported."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from villageaid.conftest import client_for
from villageaid.core.roles import Role
from villageaid.core.tests.fontless import fontless_pdf_fixture, pdf_fonts, pdf_text  # noqa: F401
from villageaid.greenhouse.models import House, Park
from villageaid.greenhouse.services import harvest_record
from villageaid.reports.figures import FIGURES

CONTRACT_KEYS = {
    "households_visited",
    "people_visited",
    "tuopin_households_verified",
    "marginal_households_found",
    "suspected_problems",
    "masks_distributed",
    "harvest_jin",
    "livestream_jin",
    "livestream_yuan",
    "staff_purchase_jin",
    "staff_purchase_yuan",
    "hotels_supplied",
    "community_groups",
    "party_members_80_visited",
    "cases_opened",
    "cases_assisted",
    "median_days_clue_to_decision",
}
START, END = "2020-01-01", "2020-06-04"


def house_in(area: Any, code: str) -> House:
    park = Park.objects.create(code=f"park-{code}", name="园区", village=area, area_path=area.path)
    return House.objects.create(park=park, code=code)


@pytest.fixture
def harvests(areas: Any) -> dict[str, House]:
    own, other = house_in(areas["village"], "h1"), house_in(areas["neighbour"], "h2")
    harvest_record(house=own, date=dt.date(2020, 4, 10), grams=500 * 100)
    harvest_record(house=own, date=dt.date(2020, 7, 1), grams=500 * 7)  # outside the range
    harvest_record(house=other, date=dt.date(2020, 4, 11), grams=500 * 30)
    return {"own": own, "other": other}


def scorecard(client: Client, area: str) -> Any:
    return client.get("/api/v1/scorecard", {"area": area, "start": START, "end": END})


@pytest.mark.django_db
def test_api_has_every_contract_key(areas: Any, make_user: Any, harvests: Any) -> None:
    response = scorecard(client_for(make_user(Role.CADRE)), areas["village"].code)
    assert response.status_code == 200
    body = response.json()
    assert (body["area"], body["start"], body["end"]) == (areas["village"].code, START, END)
    assert set(body["figures"]) >= CONTRACT_KEYS
    assert body["figures"]["harvest_jin"] == 100


@pytest.mark.django_db
def test_township_covers_exactly_its_villages(areas: Any, make_user: Any, harvests: Any) -> None:
    township = client_for(make_user(Role.TOWNSHIP))
    assert scorecard(township, areas["township"].code).json()["figures"]["harvest_jin"] == 130
    assert scorecard(township, areas["village"].code).json()["figures"]["harvest_jin"] == 100
    house_in(areas["other_township"], "h3")  # another township's harvests never count
    harvest_record(house=House.objects.get(code="h3"), date=dt.date(2020, 4, 1), grams=5000)
    call_command("reports_refresh", "--year", "2020", verbosity=0)
    assert scorecard(township, areas["township"].code).json()["figures"]["harvest_jin"] == 130
    assert scorecard(township, areas["other_township"].code).status_code == 403
    assert scorecard(client_for(make_user(Role.CADRE)), areas["neighbour"].code).status_code == 403


@pytest.mark.django_db
def test_changing_a_record_changes_the_figure_after_the_job(
    areas: Any, make_user: Any, harvests: Any
) -> None:
    client = client_for(make_user(Role.CADRE))
    assert scorecard(client, areas["village"].code).json()["figures"]["harvest_jin"] == 100
    harvest_record(house=harvests["own"], date=dt.date(2020, 5, 1), grams=500 * 20)
    assert (
        scorecard(client, areas["village"].code).json()["figures"]["harvest_jin"] == 100
    )  # stored value
    call_command("reports_refresh", "--year", "2020", verbosity=0)
    assert scorecard(client, areas["village"].code).json()["figures"]["harvest_jin"] == 120


@pytest.mark.django_db
def test_scorecard_page_links_figures_to_their_records(
    areas: Any, make_user: Any, harvests: Any
) -> None:
    client = client_for(make_user(Role.CADRE))
    page = client.get(
        "/reports/scorecard/", {"area": areas["village"].code, "start": START, "end": END}
    )
    html = page.content.decode()
    assert re.search(r'data-key="harvest_jin">100<', html)
    assert 'href="/greenhouse/harvest/' in html or "/greenhouse/" in html
    assert "scorecard-chart" in html


@pytest.mark.django_db
def test_pdf_renders_chinese_text(
    areas: Any, make_user: Any, harvests: Any, fontless_pdf: list[int]
) -> None:
    """Rendered with no system font at all (core/tests/fontless.py): the shipped one prints."""
    client = client_for(make_user(Role.CADRE))
    response = client.get(
        "/reports/scorecard.pdf", {"area": areas["village"].code, "start": START, "end": END}
    )
    assert response["Content-Type"] == "application/pdf"
    assert fontless_pdf == [len(response.content)]
    text = pdf_text(response.content)
    assert "北马村成绩单" in text
    assert "羊肚菌产量" in text
    assert "2020年1月1日至2020年6月4日" in text and "—天" in text
    assert pdf_fonts(response.content) == {"VillageAid-Sans", "VillageAid-Sans-Bold"}


@pytest.mark.django_db
def test_pdf_on_a_broken_install_says_the_font_is_missing(
    areas: Any, make_user: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    from villageaid.core import fonts

    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    client = client_for(make_user(Role.CADRE))
    params = {"area": areas["village"].code, "start": START, "end": END}
    response = client.get("/reports/scorecard.pdf", params, follow=True)
    assert response.redirect_chain[0][0].startswith("/reports/scorecard/?")
    assert "服务器缺少中文字体" in response.content.decode()


@pytest.mark.django_db
def test_xlsx_and_brief(areas: Any, make_user: Any, harvests: Any) -> None:
    from openpyxl import load_workbook

    client = client_for(make_user(Role.CADRE))
    params = {"area": areas["village"].code, "start": START, "end": END}
    book = load_workbook(io.BytesIO(client.get("/reports/scorecard.xlsx", params).content))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert ["羊肚菌产量", 100, "斤"] in rows
    brief = client.get("/reports/brief/", params).content.decode()
    assert "共产羊肚菌100斤" in brief


def test_every_figure_is_registered_once() -> None:
    keys = [f.key for f in FIGURES]
    assert len(keys) == len(set(keys))
    assert set(keys) >= CONTRACT_KEYS


@pytest.mark.django_db
def test_greenhouse_time_in_band(areas: Any, make_user: Any, harvests: Any) -> None:
    from django.utils import timezone

    from villageaid.greenhouse.models import Reading, Sensor

    sensor = Sensor.objects.create(house=harvests["own"], key="air_temp", unit="°C")
    at = timezone.make_aware(dt.datetime(2020, 4, 1, 10))
    for minute, value in enumerate([4.9, 5.0, 12.0, 18.0, 18.1]):  # inside: 5.0, 12.0, 18.0
        Reading.objects.create(sensor=sensor, ts=at + dt.timedelta(minutes=minute), value=value)
    figures = scorecard(client_for(make_user(Role.CADRE)), areas["village"].code).json()["figures"]
    assert figures["greenhouse_temp_in_band_pct"] == 60


@pytest.mark.django_db
def test_greenhouse_time_in_band_outlives_the_raw_readings(
    areas: Any, make_user: Any, harvests: Any
) -> None:
    """Retention deletes raw readings after 30 days; the yearly refresh recomputes April
    in December from the rollups and gets the same figure."""
    from django.utils import timezone

    from villageaid.greenhouse.models import Reading, Sensor
    from villageaid.greenhouse.rollups import readings_retention, rollup_readings
    from villageaid.reports.services import indicators_compute

    sensor = Sensor.objects.create(house=harvests["own"], key="air_temp", unit="°C")
    at = timezone.make_aware(dt.datetime(2020, 4, 1, 10))
    values = [12.0] * 5 + [3.0] * 5 + [17.0, 17.5, 18.5, 19.0, 19.5]  # in, out, crossing
    for minute, value in enumerate(values):
        Reading.objects.create(sensor=sensor, ts=at + dt.timedelta(minutes=minute), value=value)
    village = areas["village"]
    before = indicators_compute(area=village, start=dt.date(2020, 4, 1), end=dt.date(2020, 4, 30))
    assert before["greenhouse_temp_in_band_pct"] == 46.7  # 7 of 15 readings, exact

    rollup_readings()
    readings_retention(now=timezone.make_aware(dt.datetime(2020, 12, 1)), keep_raw_days=30)
    assert not Reading.objects.exists()
    after = indicators_compute(area=village, start=dt.date(2020, 4, 1), end=dt.date(2020, 4, 30))
    # Whole buckets: 10:00–10:04 all in (5), 10:05–10:09 all out, 10:10–10:14 crosses 18 °C
    # with a mean of 18.3 °C: counted out. 5 of 15.
    assert after["greenhouse_temp_in_band_pct"] == round(100 * 5 / 15, 1)


@pytest.mark.django_db
def test_refresh_stores_days_months_and_years(areas: Any, harvests: Any) -> None:
    from villageaid.reports.models import Indicator
    from villageaid.reports.services import indicators_refresh

    indicators_refresh(years=[2020], days=3, today=dt.date(2020, 4, 11))
    village = areas["village"]
    stored = Indicator.objects.filter(area=village, key="harvest_jin")
    assert stored.get(period="day", start=dt.date(2020, 4, 10)).value == 100
    assert stored.get(period="day", start=dt.date(2020, 4, 11)).value == 0
    assert stored.get(period="month", start=dt.date(2020, 4, 1)).value == 100
    assert stored.get(period="year", start=dt.date(2020, 1, 1)).value == 107
    assert stored.filter(period="day").count() == 3
    township = Indicator.objects.get(
        area=areas["township"], key="harvest_jin", period="month", start=dt.date(2020, 4, 1)
    )
    assert township.value == 130


@pytest.mark.django_db
def test_pdf_is_an_a4_document_with_a_cover_charts_and_separators(
    areas: Any, make_user: Any, harvests: Any
) -> None:
    """A4 pages; the cover carries the headline figures; every figure has thousands
    separators; the charts are drawn into the PDF from the monthly figures; no page holds
    only a footnote (each page has a heading or a figure besides the page footer)."""
    import pypdf

    harvest_record(house=harvests["own"], date=dt.date(2020, 3, 2), grams=500 * 12_345)
    client = client_for(make_user(Role.CADRE))
    response = client.get(
        "/reports/scorecard.pdf", {"area": areas["village"].code, "start": START, "end": END}
    )
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    for page in reader.pages:  # A4 in points
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "北马村成绩单" in pages[0] and "12,445 斤" in pages[0]  # 12,345 + 100 jin
    assert "羊肚菌产量与销售额（按月）" in "".join(pages) and "2月" in "".join(pages)
    assert "12445" not in "".join(pages)
    footer = re.compile(r"北马村成绩单\s*\d+ / \d+|\d+ / \d+")
    for number, text in enumerate(pages, start=1):
        body = footer.sub("", text).strip()
        assert len(body) > 40, f"page {number} holds only {body!r}"
        assert not body.startswith("数据由平台"), f"page {number} starts with the footnote"


def test_chart_options_keep_counts_and_yuan_apart_and_the_legend_off_the_bars() -> None:
    from villageaid.reports import charts

    chart = charts.Chart(
        "production",
        "产量与销售",
        ["1月", "2月"],
        [
            charts.Series("harvest_jin", "产量（斤）", "斤", 0, [1.0, 2.0]),
            charts.Series("sales_yuan", "销售额（元）", "元", 1, [100.0, 200.0]),
        ],
        ("斤", "元"),
    )
    option = charts.echarts_option(chart)
    assert [axis["name"] for axis in option["yAxis"]] == ["斤", "元"]
    assert [s["yAxisIndex"] for s in option["series"]] == [0, 1]
    assert option["legend"]["type"] == "scroll" and option["grid"]["top"] > option["legend"]["top"]
    svg = charts.svg(chart)
    assert svg.count("<rect") == 2 + 4  # the legend's keys and the bars
    assert "200" in svg and "元" in svg
