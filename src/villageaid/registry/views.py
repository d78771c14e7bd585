from __future__ import annotations

from html import escape
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from villageaid.core import access, pii, roles
from villageaid.core.errors import ServiceError
from villageaid.core.paging import CachedCountPaginator
from villageaid.registry import export, figures, forms, imports, labels, names, selectors, services
from villageaid.registry.models import Household

MODULE = roles.Module.REGISTRY
PAGE_SIZE = 25  # a phone screen or two; the list is for finding, not reading
FILTERS = ("household_type", "monitoring_status", "village", "risk_type", "problem")


# Only what a list row shows: a county page builds 25 light objects, not 25 full rows.
LIST_FIELDS = (
    "code",
    "head_name",
    "group_name",
    "village__name",
    "household_type",
    "monitoring_status",
    "risk_types",
)


@access.access(MODULE)
def household_list(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    rows = selectors.household_search(request.user, query=request.GET.get("q", ""), filters=filters)
    rows = rows.order_by(*selectors.LIST_ORDER).only(*LIST_FIELDS)
    page = CachedCountPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_member_counts(page.object_list)
    villages = list(
        access.visible_areas(request.user).filter(level="village").values_list("code", "name")
    )
    context: dict[str, Any] = {
        "page": page,
        "rows": _rows(page.object_list),
        "q": request.GET.get("q", ""),
        "filters": filters,
        "village_options": _options(villages, filters["village"]) if len(villages) > 1 else "",
        "risk_labels": labels.RISK_TYPE_LABELS,
        "can_import": access.allowed(request.user, MODULE, roles.EDIT),
        "can_export": access.allowed(request.user, MODULE, roles.EXPORT),
    }
    return render(request, "registry/household_list.html", context)


def _options(choices: list[tuple[str, str]], selected: str) -> SafeString:
    """``<option>`` elements for a long choice list (a county has 400 villages), built
    in one pass: a template loop or ``format_html`` per option costs more than the rest
    of the page. Every value and label is escaped here."""
    html = "".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
        f"{escape(label)}</option>"
        for value, label in choices
    )
    return mark_safe(html)  # noqa: S308 (escaped above)


def _rows(households: list[Household]) -> SafeString:
    """The table rows of one page. Built here rather than in a template loop, which costs
    ~120 µs a row (a third of the page's CPU); every value is escaped."""
    card = reverse("household-card", args=[_PK])
    types, statuses = labels.HOUSEHOLD_TYPE_LABELS, labels.MONITORING_STATUS_LABELS
    html = "".join(
        f'<tr><td><a href="{card.replace(str(_PK), str(int(h.pk)))}">'
        f'<span class="hh-name">{escape(names.household_name(h))}</span></a> '
        f'<small class="hh-code text-muted">{escape(h.code)}</small></td>'
        f"<td>{escape(h.village.name)}</td>"
        f"<td>{escape(types.get(h.household_type, h.household_type))}</td>"
        f"<td>{escape(statuses.get(h.monitoring_status, h.monitoring_status))}</td>"
        f"<td>{escape(h.risk_types_display)}</td>"
        f"<td>{int(h.member_count)}</td></tr>\n"  # type: ignore[attr-defined]
        for h in households
    )
    return mark_safe(html)  # noqa: S308 (escaped above)


_PK = 987654321  # stands for the primary key in the card URL, reversed once a page


@access.access(MODULE)
def household_card(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk)
    reveal = request.GET.get("reveal") == "1" and access.can(
        request.user, MODULE, roles.REVEAL, household.village
    )
    members = []
    for person in household.members.all():
        shown = (
            pii.shown_id(request.user, person, module=MODULE, area=household.village)
            if reveal
            else person.id_masked
        )
        members.append((person, shown))
    context = {
        "household": household,
        "members": members,
        "incomes": household.incomes.all()[:5],
        "figures": figures.household_figures(household),
        "history": household.history.all()[:20],
        "can_reveal": access.can(request.user, MODULE, roles.REVEAL, household.village),
        "can_edit": access.can(request.user, MODULE, roles.EDIT, household.village),
        "show_cases": access.allowed(request.user, roles.Module.CASES, roles.VIEW),
    }
    return render(request, "registry/household_card.html", context)


@access.access(MODULE, roles.EXPORT)
def household_export(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in FILTERS}
    rows = selectors.household_search(request.user, query=request.GET.get("q", ""), filters=filters)
    full = request.GET.get("full") == "1" and access.allowed(request.user, MODULE, roles.REVEAL)
    content = export.households_xlsx(
        households=rows.order_by("code").prefetch_related("members"),
        actor=request.user,
        full_ids=full,
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="households.xlsx"'
    return response


@access.access(MODULE, roles.EDIT)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(request.user, pk, roles.EDIT)
    form = forms.HouseholdForm(request.POST or None, instance=household)
    if request.method == "POST" and form.is_valid():
        household.refresh_from_db()
        try:
            services.household_update(household=household, actor=request.user, **form.changes())
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("household-card", pk=household.pk)
    return render(request, "registry/household_edit.html", {"form": form, "household": household})


@access.access(MODULE, roles.EDIT)
def import_upload(request: HttpRequest) -> HttpResponse:
    villages = access.visible_areas(request.user).filter(level="village")
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        village = villages.filter(code=form.cleaned_data["village"]).first()
        upload = form.cleaned_data["file"]
        try:
            row = imports.roster_import_stage(
                filename=upload.name, content=upload, actor=request.user, village=village
            )
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("import-detail", pk=row.pk)
    recent = selectors.imports_for(request.user)[:20]
    return render(request, "registry/import_upload.html", {"form": form, "recent": recent})


@access.access(MODULE, roles.EDIT)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.import_get(request.user, pk)
    if request.method == "POST":
        try:
            imports.roster_import_commit(row=row, actor=request.user)
        except ServiceError as exc:
            messages.error(request, exc.message)
        return redirect("import-detail", pk=row.pk)
    return render(request, "registry/import_detail.html", {"row": row, "job": row.job})


@access.access(MODULE, roles.EDIT)
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.import_get(request.user, pk)
    if row.status != row.Status.REJECTED or not row.upload:
        raise Http404
    response = HttpResponse(
        imports.error_workbook(row),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="errors-{row.pk}.xlsx"'
    return response
