"""No notice page, printable page or API answer carries an ID number, a phone or health status."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from pypdf import PdfReader

from villageaid.cases import services
from villageaid.cases.tests.factories import case_in
from villageaid.conftest import client_for
from villageaid.core.roles import Role

ID_18 = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
HEALTH = re.compile("长期慢性病|患有大病|残疾")


def assert_clean(text: str) -> None:
    assert not ID_18.search(text), ID_18.search(text)
    assert not MOBILE.search(text), MOBILE.search(text)
    assert not HEALTH.search(text), HEALTH.search(text)


@pytest.fixture
def notice(areas: Any, make_user: Any) -> Any:
    admin = make_user(Role.ADMIN, None, username="root")
    rows = []
    for n, health in enumerate(("chronic", "serious", "disabled")):
        case = case_in(areas["village"], f"H-PUB-{n}", opened_on=dt.date(2020, 4, 1))
        member = case.household.members.get()
        member.health = health
        member.save()
        for _ in range(3):
            services.case_transition(case=case, actor=admin, decision="pass")
        type(case).objects.filter(pk=case.pk).update(risk_types="illness;disability")
        rows.append(case)
    return services.notice_publish(cases=rows, actor=admin, on=dt.date(2020, 4, 5))


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CADRE, Role.TOWNSHIP, Role.COUNTY, Role.ADMIN])
def test_notice_page_print_and_api_carry_no_personal_data(
    notice: Any, role: str, make_user: Any
) -> None:
    client = client_for(make_user(role, username=f"u-{role}"))
    for url in (
        f"/cases/notices/{notice.pk}/",
        f"/cases/notices/{notice.pk}/?print=1",
        f"/api/v1/cases/notices/{notice.pk}",
        f"/cases/notices/{notice.pk}/notice.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200
        if url.endswith(".pdf"):
            assert response["Content-Type"] == "application/pdf"
            pages = PdfReader(io.BytesIO(response.content)).pages
            text = "".join(page.extract_text() for page in pages)
        elif url.startswith("/api/"):
            text = json.dumps(response.json(), ensure_ascii=False)
        else:
            text = response.content.decode()
        assert "王建国" in text  # the head's name is shown ...
        assert "第三组" in text  # ... with the village group
        assert_clean(text)


@pytest.mark.django_db
def test_the_pattern_would_catch_a_leak(notice: Any) -> None:
    head = notice.cases.first().household.members.get()
    with pytest.raises(AssertionError):
        assert_clean(f"{head.id_number} 13912345678")
    with pytest.raises(AssertionError):
        assert_clean("长期慢性病")


@pytest.mark.django_db
def test_free_text_in_any_notice_field_is_filtered(notice: Any, make_user: Any) -> None:
    """A phone number typed into a group name, an ID into a name (issue 18, finding 15)."""
    case = notice.cases.first()
    household = case.household
    type(household).objects.filter(pk=household.pk).update(group_name="第三组 13912345678")
    head = household.members.get()
    type(head).objects.filter(pk=head.pk).update(name="王建国11010519491231002X")
    client = client_for(make_user(Role.COUNTY, username="county-free-text"))
    for url in (f"/cases/notices/{notice.pk}/", f"/api/v1/cases/notices/{notice.pk}"):
        response = client.get(url)
        text = (
            json.dumps(response.json(), ensure_ascii=False)
            if url.startswith("/api/")
            else response.content.decode()
        )
        assert "13912345678" not in text and "11010519491231002X" not in text
        assert "第三组" in text and "王建国" in text
