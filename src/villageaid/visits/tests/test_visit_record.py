"""A visit records once per idempotency key, on the page and over the API; a visit can
report a difficulty for the cases app."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from villageaid.conftest import client_for
from villageaid.visits.models import Visit, VisitReport
from villageaid.visits.tests.factories import pair_with_helpers, two_households

pytestmark = pytest.mark.django_db


def _form(household: Any, key: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": key,
        "visited_at": "2020-04-02T10:30",
        "outcome": "met",
        "members_met": [str(m.pk) for m in household.members.all()],
        "needs": "需要务工信息",
        "report": "户主受疫情影响无法外出务工",
        "photo": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
    }
    for code in ("food", "clothing", "education", "medical", "housing", "water"):
        data[f"check_{code}"] = "yes"
    for code in ("policies", "duties", "satisfaction"):
        data[f"check_{code}"] = "yes"
    return data


def test_a_repeated_form_submit_records_once(
    areas: Any, make_user: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    helper = make_user("helper")
    household, _ = two_households(areas)
    pair_with_helpers(household)
    client = client_for(helper)
    url = reverse("visit-new", args=[household.pk])
    first = client.post(url, _form(household, "key-1"))
    second = client.post(url, _form(household, "key-1"))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    visit = Visit.objects.get()
    assert visit.visitor == helper
    assert visit.members_met.count() == household.members.count()
    assert visit.checklist["satisfaction"] == "yes"
    assert visit.photo.name.endswith(".jpg")
    assert VisitReport.objects.get().visit == visit
    detail = client.get(first["Location"]).content.decode()
    assert 'data-visit-saved="key-1"' in detail


def test_api_idempotency_key(areas: Any, make_user: Any) -> None:
    helper = make_user("helper")
    household, _ = two_households(areas)
    pair_with_helpers(household)
    client = client_for(helper)
    body = {"household": household.pk, "visited_at": "2020-04-02T10:00:00+08:00"}
    headers = {"Idempotency-Key": "api-1"}
    first = client.post(
        "/api/v1/visits/visits", body, content_type="application/json", headers=headers
    )
    again = client.post(
        "/api/v1/visits/visits", body, content_type="application/json", headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.count() == 1
