from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.core import access, roles
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.policy.resolver import policy_for
from villageaid.screening import selectors, services
from villageaid.screening.engine import CatalogueError, build_catalogue
from villageaid.screening.engine.datasets import DEPARTMENT
from villageaid.screening.models import Clue

MODULE = roles.Module.SCREENING


def _home_area(user: Any) -> Area:
    """The area a user acts for: their first area, or the root for a superuser."""
    paths = access.user_paths(user)
    area = Area.objects.filter(path__in=paths).order_by("path").first()
    if area is None:
        area = Area.objects.filter(parent__isnull=True).order_by("path").first()
    if area is None:
        raise PermissionDenied
    return area


def _province(area: Area) -> str:
    return area.path.strip("/").split("/")[0][:2]


@access.access(MODULE)
def clue_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.clues_for(request.user)
    status = request.GET.get("status", "")
    rule = request.GET.get("rule", "")
    if status:
        rows = rows.filter(status=status)
    if rule:
        rows = rows.filter(rule_code=rule)
    page = Paginator(rows.order_by("-created_at", "rule_code", "pk"), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "status": status, "rule": rule, "statuses": Clue.Status.choices}
    return render(request, "screening/clue_list.html", context)


def _clue_page(request: HttpRequest, clue: Clue) -> HttpResponse:
    can_open_case = access.can(request.user, roles.Module.CASES, roles.EDIT, clue.household.village)
    context = {
        "clue": clue,
        "can_open_case": can_open_case and clue.link_status not in selectors.LINK_BLOCKING,
        "can_decide_link": clue.link_status == Clue.Link.PENDING
        and access.permits(request.user, roles.Module.REGISTRY, roles.EDIT, clue.household),
        "linkage": selectors.linkage_rows(clue),
    }
    return render(request, "screening/clue_detail.html", context)


@access.access(MODULE)
def clue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _clue_page(request, selectors.clue_get(request.user, pk))


@access.access(MODULE)
def clue_link(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: the village cadre confirms (``decision=confirm``) or rejects the record
    linkage a clue rests on; the service checks the area."""
    clue = selectors.clue_get(request.user, pk)
    decision = request.POST.get("decision") if request.method == "POST" else None
    if decision not in ("confirm", "reject"):
        return _clue_page(request, clue)  # GET (or no decision): the clue page itself
    confirm = decision == "confirm"
    try:
        services.clue_link_decide(
            clue=clue, confirm=confirm, actor=request.user, note=request.POST.get("note", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已确认匹配") if confirm else _("已否认匹配，线索已排除"))
    return redirect("screening-clue-detail", pk=clue.pk)


@access.access(MODULE)
def run_list(request: HttpRequest) -> HttpResponse:
    runs = selectors.runs_for(request.user)
    page = Paginator(runs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/run_list.html",
        {"page": page, "can_run": access.allowed(request.user, MODULE, roles.EDIT)},
    )


@access.access(MODULE, roles.EDIT)
def run_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            as_of = dt.date.fromisoformat(request.POST.get("as_of", ""))
        except ValueError:
            messages.error(request, _("请填写筛查日期。"))
            return redirect("screening-run-start")
        run = services.run_start(
            as_of=as_of,
            area=_home_area(request.user),
            actor=request.user,
            push=request.POST.get("push", "1") == "1",
        )
        return redirect("screening-run-detail", pk=run.pk)
    return render(request, "screening/run_new.html", {"today": timezone.localdate()})


@access.access(MODULE)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(request.user, pk)
    context = {
        "run": run,
        "chart": selectors.clue_counts(request.user, run),
        "counts": sorted(run.counts.items()),
        "skipped": [(code, services.skip_text(reason)) for code, reason in run.skipped.items()],
        "visible": selectors.clues_for(request.user).filter(run=run).count(),
    }
    return render(request, "screening/run_detail.html", context)


@access.access(MODULE)
def dataset_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.datasets_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "screening/dataset_list.html",
        {"page": page, "can_upload": access.allowed(request.user, MODULE, roles.EDIT)},
    )


@access.access(MODULE, roles.EDIT)
def dataset_new(request: HttpRequest) -> HttpResponse:
    names = [d.name for d in DEPARTMENT]
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise services.UploadError(_("请选择文件。"))
            start = dt.date.fromisoformat(request.POST.get("period_start", ""))
            end = dt.date.fromisoformat(request.POST.get("period_end", ""))
            dataset = services.dataset_upload(
                name=request.POST.get("name", ""),
                content=upload,
                filename=upload.name or "upload",
                period_start=start,
                period_end=end,
                area=_home_area(request.user),
                actor=request.user,
            )
        except services.UploadError as exc:
            messages.error(request, str(exc))
        except ValueError:
            messages.error(request, _("请填写数据期间（YYYY-MM-DD）。"))
        else:
            messages.success(
                request,
                _("已保存 %(name)s：%(rows)s 行，身份证号有误 %(bad)s 条。")
                % {"name": dataset.name, "rows": dataset.row_count, "bad": dataset.bad_id_count},
            )
            return redirect("screening-dataset-list")
    return render(request, "screening/dataset_new.html", {"names": names})


def _catalogue_context(request: HttpRequest) -> dict[str, Any]:
    area = _home_area(request.user)
    province = _province(area)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    current = services.catalogue_for(province, year)
    overrides = current.overrides if current else {}
    policy = policy_for(area, dt.date(year, 12, 31))
    catalogue = build_catalogue(
        as_of=dt.date(year, 12, 31), overrides=overrides, province=province, policy=policy
    )
    titles = {r.code: r.title for r in catalogue.rules}
    rules = [{**r, "title": titles[r["code"]]} for r in catalogue.describe()["rules"]]
    return {
        "area": area,
        "province": province,
        "year": year,
        "current": current,
        "catalogue": catalogue,
        "policy": policy,
        "rules": rules,
        "versions": selectors.catalogue_versions(province)[:20],
        "can_edit": access.allowed(request.user, MODULE, roles.ADMIN),
    }


@access.access(MODULE)
def catalogue(request: HttpRequest) -> HttpResponse:
    return render(request, "screening/catalogue.html", _catalogue_context(request))


@access.access(MODULE, roles.ADMIN)
def catalogue_edit(request: HttpRequest) -> HttpResponse:
    context = _catalogue_context(request)
    if request.method == "POST":
        year = context["year"]
        rules: dict[str, dict[str, Any]] = {}
        for rule in context["catalogue"].rules:
            settings: dict[str, Any] = {"enabled": request.POST.get(f"{rule.code}.enabled") == "on"}
            for param in rule.all_params():
                value = request.POST.get(f"{rule.code}.{param.name}")
                if value is not None:
                    settings[param.name] = value.strip()
            rules[rule.code] = settings
        overrides = {"rules": rules}
        try:
            services.catalogue_save(
                province=context["province"],
                year=year,
                overrides=overrides,
                area=context["area"],
                actor=request.user,
                note=request.POST.get("note", ""),
            )
        except CatalogueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("规则目录已保存为新版本。"))
            return redirect(f"{request.path.rsplit('edit/', 1)[0]}?year={year}")
    return render(request, "screening/catalogue_edit.html", context)
