"""The policy tables in Django's admin: versions with their yearly income ranges.

A county version saved here passes the same delegation check as ``/policy/new/`` (R-POL-1).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from villageaid.core.errors import ServiceError
from villageaid.policy import delegation, services
from villageaid.policy.models import IncomeRange, PolicyVersion


def _county_problem(version: PolicyVersion, *, sets_range: bool) -> str | None:
    if not delegation.is_county(version.area_code or ""):
        return None
    if version.base is None:
        return _("县级政策版本须叠加于省级或全国版本")
    try:
        services.check_delegated(version.base.code, version.data or {}, sets_range=sets_range)
    except ServiceError as exc:
        return exc.message
    return None


class PolicyVersionForm(forms.ModelForm[PolicyVersion]):
    class Meta:
        model = PolicyVersion
        fields = (
            "code",
            "name",
            "area_code",
            "base",
            "effective_from",
            "effective_to",
            "data",
            "note",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        probe = PolicyVersion(
            area_code=cleaned.get("area_code") or "",
            base=cleaned.get("base"),
            data=cleaned.get("data") or {},
        )
        problem = _county_problem(probe, sets_range=False)
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


class IncomeRangeFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            f
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_changed()
        ]
        if kept and self.instance is not None:
            problem = _county_problem(self.instance, sets_range=True)
            if problem:
                raise forms.ValidationError(problem)


class IncomeRangeInline(admin.TabularInline[IncomeRange, PolicyVersion]):
    model = IncomeRange
    formset = IncomeRangeFormSet
    extra = 1


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    form = PolicyVersionForm
    list_display = ("code", "name", "area_code", "effective_from", "effective_to", "shipped")
    list_filter = ("shipped", "area_code")
    inlines = [IncomeRangeInline]

    def save_model(self, request: Any, obj: PolicyVersion, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
