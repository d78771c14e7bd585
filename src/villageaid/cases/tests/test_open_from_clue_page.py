from __future__ import annotations

from typing import Any

import pytest

from villageaid.cases.models import Case
from villageaid.conftest import client_for
from villageaid.core.roles import Role


@pytest.mark.django_db
def test_one_click_on_a_clue_opens_its_case(areas: Any, make_user: Any) -> None:
    from villageaid.screening.tests.samples import SAMPLES

    made = SAMPLES["screening-clue-detail"](areas)
    clue_id = made["own"]["pk"]
    cadre = client_for(make_user(Role.CADRE))
    page = cadre.get(f"/screening/clues/{clue_id}/").content.decode()
    assert f"/cases/from-clue/{clue_id}/" in page
    assert "确认立案" in cadre.get(f"/cases/from-clue/{clue_id}/").content.decode()  # GET asks
    assert not Case.objects.exists()
    response = cadre.post(f"/cases/from-clue/{clue_id}/")
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.source == "clue"
    assert f"/cases/{case.pk}/" in cadre.get(f"/screening/clues/{clue_id}/").content.decode()
    # Others cannot: a township user reads clues but does not open cases here; a neighbour sees nothing.
    other = made["other"]["pk"]
    assert (
        client_for(make_user(Role.CADRE, "neighbour"))
        .post(f"/cases/from-clue/{clue_id}/")
        .status_code
        == 404
    )
    assert cadre.post(f"/cases/from-clue/{other}/").status_code == 404
