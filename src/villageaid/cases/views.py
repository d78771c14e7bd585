from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from villageaid.cases import forms, rules, selectors, services
from villageaid.cases.models import Case, CaseMeasure, Objection
from villageaid.core import access, net, roles
from villageaid.core import pdf as core_pdf
from villageaid.core.errors import ServiceError
from villageaid.core.models import Area
from villageaid.registry.models import Household

MODULE = roles.Module.CASES


def _fail(request: HttpRequest, exc: ServiceError) -> None:
    messages.error(request, exc.message)


@access.access(MODULE)
def case_list(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "") for name in selectors.FILTERS}
    rows = selectors.case_search(request.user, filters).order_by("status", "deadline", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.with_clocks(page.object_list)
    context = {
        "page": page,
        "filters": filters,
        "statuses": Case.Status.choices,
        "steps": selectors.step_filter_options(),
        "villages": access.visible_areas(request.user).filter(level="village"),
        "can_open": access.allowed(request.user, MODULE, roles.EDIT),
    }
    return render(request, "cases/case_list.html", context)


@access.access(MODULE)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk)
    steps = [s for s in services.actionable_steps(case) if services.may_act(request.user, case, s)]
    context = {
        "case": selectors.with_clocks([case])[0],
        "transitions": case.transitions.select_related("actor").prefetch_related("attachments"),
        "measures": case.measures.all(),
        "steps": services.steps_of(case),
        "my_steps": steps,
        "form": forms.TransitionForm(initial={"on": timezone.localdate()}),
        "authorisations": case.authorisations.prefetch_related("comparisons"),
        "eliminations": case.eliminations.all(),
        "can_edit": access.can(request.user, MODULE, roles.EDIT, case.area_path),
        "policy": rules.case_policy(case),
        "category_label": rules.category_label(case),
    }
    return render(request, "cases/case_detail.html", context)


@access.access(MODULE, roles.EDIT)
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk, roles.EDIT)
    steps = [s for s in services.actionable_steps(case) if services.may_act(request.user, case, s)]
    form = forms.TransitionForm(request.POST or None, initial={"on": timezone.localdate()})
    form.fields["category"].choices = [("", "—"), *rules.case_policy(case).category_choices]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["step_code"] or (case.step.code if case.step else "")
        try:
            _act(request, case, code, form)
        except ServiceError as exc:
            _fail(request, exc)
        else:
            messages.success(request, _("已办理"))
            return redirect("case-detail", pk=case.pk)
    codes = {s.code for s in steps}
    context = {
        "case": case,
        "steps": steps,
        "form": form,
        "codes": codes,
        "review_fields": ["attendees", "votes_for", "votes_against", "minutes"],
        "county_fields": ["category", "risk_types"],
    }
    return render(request, "cases/case_act.html", context)


def _act(request: HttpRequest, case: Case, code: str, form: forms.TransitionForm) -> None:
    on = form.cleaned_data["on"] or timezone.localdate()
    if code == "compare" and form.cleaned_data["decision"] == "pass":
        services.case_compare(
            case=case,
            actor=request.user,
            on=on,
            results=form.comparison_rows(),
            reason=form.cleaned_data["reason"],
        )
        return
    services.case_transition(
        case=case,
        actor=request.user,
        decision=form.cleaned_data["decision"],
        step_code=code,
        reason=form.cleaned_data["reason"],
        data=form.data_for(code),
        on=on,
        files=request.FILES.getlist("files"),
    )


@access.access(MODULE, roles.EDIT)
def case_verify(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk, roles.EDIT)
    form = forms.VerifyForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.case_verify(
                case=case,
                actor=request.user,
                on=c["on"],
                income={k: c[k] for k in form.INCOME},
                guarantees={k: c[k] for k in form.GUARANTEES},
                risk_types=";".join(c["risk_types"]),
                expenses={"medical": c["medical_expense"], "education": c["education_expense"]},
                note=c["note"],
                files=request.FILES.getlist("files"),
                authorised_on=c["on"] if c["authorised"] else None,
                scan=request.FILES.get("scan"),
            )
        except ServiceError as exc:
            _fail(request, exc)
        else:
            return redirect("case-detail", pk=case.pk)
    return render(request, "cases/case_verify.html", {"case": case, "form": form})


@access.access(MODULE, roles.EDIT)
def case_measures(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk, roles.EDIT)
    if request.method == "POST" and request.POST.get("action") == "progress":
        row = get_object_or_404(CaseMeasure, case=case, pk=request.POST.get("measure"))
        try:
            services.measure_progress(
                row=row,
                actor=request.user,
                status=request.POST.get("status", ""),
                evidence=request.FILES.get("evidence"),
                effect_income=_amount(request.POST.get("effect_income", "")),
            )
        except ServiceError as exc:
            _fail(request, exc)
        return redirect("case-measures", pk=case.pk)
    form = forms.MeasureForm(request.POST or None, initial={"granted_on": timezone.localdate()})
    measures = rules.case_policy(case).measures  # the case's version's catalogue
    form.fields["measure"].choices = [(c, m.label) for c, m in measures.items()]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_grant(case=case, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            _fail(request, exc)
        else:
            return redirect("case-measures", pk=case.pk)
    context = {
        "case": case,
        "form": form,
        "measures": case.measures.all(),
        "catalogue": rules.case_policy(case).measures,
        "statuses": CaseMeasure.Status.choices,
    }
    return render(request, "cases/case_measures.html", context)


def _amount(text: str) -> Decimal | None:
    """An optional amount from a form; anything unreadable or out of range is refused by
    the service, a blank is no amount."""
    if not text.strip():
        return None
    try:
        return Decimal(text.strip()[:20])
    except InvalidOperation:
        raise ServiceError(_("金额格式不正确"), code="bad_amount") from None


@access.access(MODULE, roles.EDIT)
def case_eliminate(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(request.user, pk, roles.EDIT)
    today = timezone.localdate()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rollback":
                services.elimination_rollback(
                    case=case, actor=request.user, reason=request.POST.get("reason", ""), on=today
                )
                return redirect("case-detail", pk=case.pk)
            mode = request.POST.get("mode", "")
            if mode not in rules.guards.MODE_LABELS:
                raise ServiceError(_("请选择消除方式"), code="mode_required")
            made = services.elimination_open(case=case, actor=request.user, on=today, mode=mode)
            return redirect("case-detail", pk=made.pk)
        except ServiceError as exc:
            _fail(request, exc)
    modes = []
    if case.kind == "identification":
        for mode, label in rules.guards.MODE_LABELS.items():
            checks = rules.elimination_checks(case, today, mode)
            modes.append(
                {"code": mode, "label": label, "checks": checks, "ok": all(c.ok for c in checks)}
            )
    return render(request, "cases/case_eliminate.html", {"case": case, "modes": modes})


@access.access(MODULE, roles.EDIT)
def case_open(request: HttpRequest) -> HttpResponse:
    reports = selectors.open_reports(request.user)
    if request.method == "POST" and request.POST.get("report"):
        report = get_object_or_404(reports, pk=request.POST["report"])
        try:
            case = services.case_open_from_report(report=report, actor=request.user)
        except ServiceError as exc:
            _fail(request, exc)
        else:
            return redirect("case-detail", pk=case.pk)
    form = forms.OpenForm(
        request.POST or None, initial={"household_code": request.GET.get("household", "")[:32]}
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        household = (
            access.scope(
                Household.objects.all(), request.user, MODULE, roles.EDIT, area_path="area_path"
            )
            .filter(code=c["household_code"])
            .first()
        )
        if household is None:
            messages.error(request, _("找不到该户，或不在你的区域"))
        else:
            try:
                case = services.case_open(
                    household=household,
                    actor=request.user,
                    source=Case.Source.CADRE_REPORT,
                    opened_on=c["opened_on"],
                    summary=c["summary"],
                    risk_types=";".join(c["risk_types"]),
                )
            except ServiceError as exc:
                _fail(request, exc)
            else:
                return redirect("case-detail", pk=case.pk)
    context = {"form": form, "reports": reports.select_related("household")[:50]}
    return render(request, "cases/case_open.html", context)


@access.access(MODULE)
def notice_list(request: HttpRequest) -> HttpResponse:
    waiting = selectors.cases_for(request.user, roles.EDIT).filter(
        status=Case.Status.OPEN, step__code__in=["notice", "compare"]
    )
    if request.method == "POST" and access.allowed(request.user, MODULE, roles.EDIT):
        chosen = list(waiting.filter(pk__in=request.POST.getlist("cases")))
        try:
            notice = services.notice_publish(
                cases=chosen, actor=request.user, on=timezone.localdate()
            )
        except ServiceError as exc:
            _fail(request, exc)
        else:
            return redirect("notice-detail", pk=notice.pk)
    context = {
        "notices": selectors.notices_for(request.user)
        .select_related("village")
        .order_by("-opened_on", "-pk")[:50],
        "waiting": [
            c
            for c in waiting.select_related("household", "step")
            if "notice" in {s.code for s in services.actionable_steps(c)}
        ],
        "can_edit": access.allowed(request.user, MODULE, roles.EDIT),
    }
    return render(request, "cases/notice_list.html", context)


@access.access(MODULE)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get(request.user, pk)
    if request.method == "POST":
        _notice_action(request, pk)
        return redirect("notice-detail", pk=pk)
    context = {
        "notice": notice,
        "rows": selectors.notice_rows(notice),
        "objections": notice.objections.select_related("case__household"),
        "cases": notice.cases.select_related("household"),
        "can_edit": access.can(request.user, MODULE, roles.EDIT, notice.area_path),
        "print": request.GET.get("print") == "1",
    }
    return render(request, "cases/notice_detail.html", context)


@access.access(MODULE)
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable notice as PDF, in the shipped font (core.pdf), whatever the server has."""
    notice = selectors.notice_get(request.user, pk)
    context = {"notice": notice, "rows": selectors.notice_rows(notice)}
    html = render_to_string("cases/notice_print.html", context, request=request)
    try:
        pdf = core_pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except core_pdf.FontMissing:
        messages.error(request, core_pdf.font_missing_message())
        return redirect(f"{reverse('notice-detail', args=[pk])}?print=1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    return response


def _notice_action(request: HttpRequest, pk: int) -> None:
    notice = selectors.notice_get(request.user, pk, roles.EDIT)
    action, today = request.POST.get("action"), timezone.localdate()
    try:
        if action == "close":
            services.notice_close(notice=notice, actor=request.user, on=today)
        elif action == "photo" and (photo := request.FILES.get("photo")) is not None:
            services.notice_photo(notice=notice, actor=request.user, photo=photo)
        elif action == "objection":
            case = get_object_or_404(notice.cases, pk=request.POST.get("case"))
            services.objection_record(
                notice=notice,
                case=case,
                actor=request.user,
                text=request.POST.get("text", ""),
                received_on=today,
            )
        elif action == "resolve":
            objection = get_object_or_404(
                Objection, notice=notice, pk=request.POST.get("objection")
            )
            services.objection_resolve(
                objection=objection,
                actor=request.user,
                resolution=request.POST.get("resolution", ""),
                on=today,
            )
    except ServiceError as exc:
        _fail(request, exc)


@access.access(MODULE)
def declaration_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.declarations_for(request.user).select_related("village")[:100]
    villages = access.visible_areas(request.user).filter(level="village")[:50]
    links = [
        (v, request.build_absolute_uri(reverse("case-declare", args=[v.code]))) for v in villages
    ]
    return render(request, "cases/declaration_list.html", {"rows": rows, "links": links})


@access.access(MODULE, roles.EDIT)
def declaration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.declaration_get(request.user, pk, roles.EDIT)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "dismiss":
                services.declaration_dismiss(declaration=row, actor=request.user)
                return redirect("declaration-list")
            household = get_object_or_404(
                Household, village=row.village, code=request.POST.get("household_code", "")
            )
            case = services.case_open_from_declaration(
                declaration=row, household=household, actor=request.user
            )
            return redirect("case-detail", pk=case.pk)
        except ServiceError as exc:
            _fail(request, exc)
    candidates = Household.objects.filter(village=row.village, members__name=row.name).distinct()[
        :10
    ]
    return render(request, "cases/declaration_detail.html", {"row": row, "candidates": candidates})


@access.public
def declare(request: HttpRequest, village_code: str) -> HttpResponse:
    village = get_object_or_404(Area, code=village_code, level="village")
    form = forms.DeclareForm(request.POST or None, initial={"token": forms.fill_token()})
    done = False
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.declaration_submit(
                village=village,
                ip=net.client_ip(request),
                name=c["name"],
                group_name=c["group_name"],
                phone=c["phone"],
                risk_type=c["risk_type"],
                description=c["description"],
            )
            done = True
        except ServiceError as exc:
            form.add_error(None, exc.message)
    url = request.build_absolute_uri()
    status = 429 if form.errors and "频繁" in str(form.non_field_errors()) else 200
    context: dict[str, Any] = {
        "village": village,
        "form": form,
        "done": done,
        "url": url,
        "token": forms.fill_token(),
    }
    return render(request, "cases/declare.html", context, status=status)


@access.access(MODULE)
def declare_qr(request: HttpRequest, village_code: str) -> HttpResponse:
    """The QR code a village posts on its notice board: it opens the public declaration form."""
    import io

    import segno

    village = access.visible_areas(request.user).filter(level="village", code=village_code).first()
    if village is None:
        raise Http404
    url = request.build_absolute_uri(reverse("case-declare", args=[village.code]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, title=f"{village.name} 困难申报")
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@access.access(MODULE, roles.EDIT)
def case_open_clue(request: HttpRequest, clue_id: int) -> HttpResponse:
    """The one-click 立案 on a screening clue (GET asks to confirm): the clock starts at
    the clue's date."""
    from villageaid.screening import selectors as screening_selectors

    clue = screening_selectors.clue_get(request.user, clue_id)
    if not access.can(request.user, MODULE, roles.EDIT, clue.household.village):
        raise PermissionDenied
    if request.method != "POST":
        return render(request, "cases/open_from_clue.html", {"clue": clue})
    try:
        case = services.case_open_from_clue(clue, request.user)
    except ServiceError as exc:
        _fail(request, exc)
        return redirect("screening-clue-detail", pk=clue.pk)
    return redirect("case-detail", pk=case.pk)
