"""Journey: a village cadre imports a roster in the browser (upload → validation
job → preview → commit job → household list), on a phone-sized screen.

Journeys already covered by module browser tests and not repeated here:
the gate volunteer refusing a fever (epidemic/tests/test_browser_gate.py), the
sales clerk's live-stream session (sales/tests/test_browser_live.py) and the
helper's visit form on a phone (visits/tests/test_offline_form_e2e.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from villageaid.conftest import browser_login
from villageaid.core.roles import Role
from villageaid.registry import synth
from villageaid.registry.models import Household, Person, RosterImport

SHOTS = Path(os.environ.get("ARTIFACTS_DIR", "artifacts"))


def _worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_cadre_imports_a_roster(
    page: Any, live_server: Any, make_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    households, persons = synth.generate_registry(12, seed=11)
    roster = synth.write_roster_xlsx(tmp_path / "roster.xlsx", households, persons)
    make_user(Role.CADRE, username="cadre-journey")
    browser_login(page, live_server, "cadre-journey")
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(f"{live_server.url}/registry/imports/")
    page.set_input_files("input[type=file]", str(roster))
    page.click("text=上传并校验")
    page.wait_for_load_state()
    row = RosterImport.objects.get()
    assert page.url.endswith(f"/registry/imports/{row.pk}/")

    _worker()  # validation job
    page.reload()
    page.screenshot(path=str(SHOTS / "journey_cadre_roster_preview.png"), full_page=True)
    row.refresh_from_db()
    assert row.status == "validated"
    assert not Household.objects.exists()

    page.click("text=提交导入")
    page.wait_for_load_state()
    _worker()  # commit job
    row.refresh_from_db()
    assert row.status == "committed"
    assert Person.objects.count() == len(persons)

    answer = page.goto(f"{live_server.url}/registry/households/")
    page.screenshot(path=str(SHOTS / "journey_cadre_household_list.png"), full_page=True)
    assert answer is not None and answer.status == 200
    assert Household.objects.count() == len(households)
