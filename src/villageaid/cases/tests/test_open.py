"""Three ways to open a case: a clue, a cadre's report from a visit, a self-declaration."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from villageaid.cases import services
from villageaid.cases.models import Case
from villageaid.cases.tests.factories import household
from villageaid.screening.models import Clue
from villageaid.screening.tests.samples import clue_for, run_in
from villageaid.visits.models import VisitReport


@pytest.mark.django_db
def test_open_from_a_clue_in_one_call(areas: Any, cadre: Any) -> None:
    home = household(areas["village"], "H-CLUE")
    clue = clue_for(home, run_in(areas["village"]))
    case = services.case_open_from_clue(clue, cadre)
    assert (case.source, case.clue, case.risk_types) == ("clue", clue, "illness")
    assert case.opened_on == timezone.localdate(clue.created_at)
    clue.refresh_from_db()
    assert (clue.case_id, clue.status) == (case.pk, Clue.Status.OPEN)


@pytest.mark.django_db
def test_open_from_a_visit_report(areas: Any, cadre: Any) -> None:
    home = household(areas["village"], "H-REPORT")
    report = VisitReport.objects.create(
        household=home,
        risk_type="epidemic",
        description="户主不能外出务工",
        area_path=home.area_path,
    )
    case = services.case_open_from_report(report=report, actor=cadre)
    assert (case.source, case.report, case.risk_types) == (
        Case.Source.CADRE_REPORT,
        report,
        "epidemic",
    )
    report.refresh_from_db()
    assert (report.status, report.case_ref) == ("taken", str(case.pk))
