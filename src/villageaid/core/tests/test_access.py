from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from villageaid.core import access, roles
from villageaid.core.models import Area
from villageaid.core.roles import Role


@pytest.mark.django_db
def test_area_subtree_decides(areas: dict[str, Area], make_user: Any) -> None:
    cadre = make_user(Role.CADRE)
    township = make_user(Role.TOWNSHIP)
    assert access.in_area(cadre, areas["village"])
    assert access.in_area(cadre, areas["grid"])
    assert not access.in_area(cadre, areas["neighbour"])
    assert not access.in_area(cadre, areas["township"])
    assert access.in_area(township, areas["neighbour"])
    assert not access.in_area(township, areas["other_township"])


@pytest.mark.django_db
def test_role_and_area_together(areas: dict[str, Area], make_user: Any) -> None:
    cadre = make_user(Role.CADRE)
    township = make_user(Role.TOWNSHIP)
    assert access.can(cadre, roles.Module.REGISTRY, roles.EDIT, areas["village"])
    assert not access.can(cadre, roles.Module.REGISTRY, roles.EDIT, areas["neighbour"])
    # A township user reads its villages' registry but does not edit it ...
    assert access.can(township, roles.Module.REGISTRY, roles.VIEW, areas["village"])
    assert not access.can(township, roles.Module.REGISTRY, roles.EDIT, areas["village"])
    # ... unless granted more.
    township.grants = {"registry": ["edit"]}
    assert access.can(township, roles.Module.REGISTRY, roles.EDIT, areas["village"])
    with pytest.raises(PermissionDenied):
        access.require(make_user(Role.GATE), roles.Module.REGISTRY, roles.VIEW, areas["village"])


@pytest.mark.django_db
def test_scope_filters_queryset(areas: dict[str, Area], make_user: Any) -> None:
    cadre = make_user(Role.CADRE)
    visible = access.scope(Area.objects.all(), cadre, roles.Module.REGISTRY, area_path="path")
    assert set(visible.values_list("code", flat=True)) == {
        areas["village"].code,
        areas["grid"].code,
    }
    gate = make_user(Role.GATE)
    assert not access.scope(
        Area.objects.all(), gate, roles.Module.REGISTRY, area_path="path"
    ).exists()


@pytest.mark.django_db
def test_inactive_user_has_no_rights(areas: dict[str, Area], make_user: Any) -> None:
    user = make_user(Role.ADMIN)
    user.is_active = False
    assert not access.allowed(user, roles.Module.CORE, roles.VIEW)


@pytest.mark.django_db
def test_check_row_decides_like_get_for(areas: dict[str, Area], make_user: Any) -> None:
    """404 outside the user's areas, 403 for a role that may only view, nothing when
    allowed; modules narrowed for a role must go through get_for."""
    from django.http import Http404

    village, neighbour = areas["village"].path, areas["neighbour"].path
    sales, tech = make_user(Role.SALES), make_user(Role.TECH)
    access.check_row(sales, roles.Module.SALES, roles.EDIT, village)
    access.check_row(sales, roles.Module.SALES, roles.EDIT, areas["grid"].path)
    with pytest.raises(Http404):
        access.check_row(sales, roles.Module.SALES, roles.EDIT, neighbour)
    with pytest.raises(PermissionDenied):
        access.check_row(tech, roles.Module.SALES, roles.EDIT, village)
    access.check_row(tech, roles.Module.SALES, roles.VIEW, village)
    with pytest.raises(Http404):  # a module the role may not even view
        access.check_row(tech, roles.Module.REGISTRY, roles.VIEW, village)
    access.check_row(make_user(Role.ADMIN), roles.Module.SALES, roles.EDIT, neighbour)
    with pytest.raises(TypeError, match="get_for"):
        access.check_row(make_user(Role.HELPER), roles.Module.VISITS, roles.VIEW, village)


def test_the_narrowing_path_is_found_per_model() -> None:
    """A narrowed module's queryset is narrowed along the model's own path to the household;
    a model with none is narrowed to nothing (fail closed), never by a coincidental pk."""
    from villageaid.cases.models import Case, CaseMeasure, Notice
    from villageaid.registry.models import Household
    from villageaid.visits.models import Visit

    assert access.path_to(Household, Household) == ""
    assert access.path_to(Visit, Household) == "household__"
    assert access.path_to(Case, Household) == "household__"
    assert access.path_to(CaseMeasure, Household) == "case__household__"
    assert access.path_to(Notice, Household) is None


@pytest.mark.django_db
def test_require_row_holds_a_helper_to_their_pairing(
    areas: dict[str, Area], make_user: Any
) -> None:
    from django.http import Http404

    from villageaid.registry.tests.samples import household_in
    from villageaid.visits.models import HelperAssignment

    helper, cadre = make_user(Role.HELPER), make_user(Role.CADRE)
    mine, theirs = household_in(areas["village"], "H-A-1"), household_in(areas["village"], "H-B-2")
    HelperAssignment.objects.create(
        helper=helper, household=mine, started_on="2020-01-01", area_path=mine.area_path
    )
    cases = roles.Module.CASES
    access.require_row(helper, cases, roles.EDIT, mine)
    assert access.permits(helper, cases, roles.EDIT, mine)
    assert not access.permits(helper, cases, roles.EDIT, theirs)
    with pytest.raises(Http404):
        access.require_row(helper, cases, roles.EDIT, theirs)
    access.require_row(cadre, cases, roles.EDIT, theirs)  # a cadre works on the whole village
    with pytest.raises(PermissionDenied):  # a township official reads but does not edit
        access.require_row(make_user(Role.TOWNSHIP), roles.Module.REGISTRY, roles.EDIT, mine)
    access.require_row(None, cases, roles.EDIT, theirs)  # the system itself (commands, jobs)
