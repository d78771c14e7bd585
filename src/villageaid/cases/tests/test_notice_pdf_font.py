"""The notice PDF holds its Chinese text on a server with no system font at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from villageaid.cases.tests import test_notice_privacy
from villageaid.conftest import client_for
from villageaid.core import fonts
from villageaid.core.roles import Role
from villageaid.core.tests.fontless import fontless_pdf_fixture, pdf_fonts, pdf_text  # noqa: F401

pytestmark = pytest.mark.django_db
notice = test_notice_privacy.notice


def test_notice_pdf_without_system_fonts_holds_the_names(
    notice: Any, make_user: Any, fontless_pdf: list[int]
) -> None:
    client = client_for(make_user(Role.CADRE))
    response = client.get(f"/cases/notices/{notice.pk}/notice.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert fontless_pdf == [len(response.content)]  # rendered in the fontless child
    text = pdf_text(response.content)
    assert f"{notice.village.name}防止返贫监测对象识别公示" in text
    assert "户主姓名" in text and "王建国" in text and "第三组" in text
    assert "如有异议，请向村委会反映。" in text
    assert pdf_fonts(response.content) <= {"VillageAid-Sans", "VillageAid-Sans-Bold"}
    assert len(response.content) < 80_000


def test_broken_install_sends_back_to_the_printable_page(
    notice: Any, make_user: Any, monkeypatch: Any, tmp_path: Any
) -> None:
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    response = client_for(make_user(Role.CADRE)).get(f"/cases/notices/{notice.pk}/notice.pdf")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/notices/{notice.pk}/?print=1"
    assert "服务器缺少中文字体" in str(next(iter(get_messages(response.wsgi_request))))
