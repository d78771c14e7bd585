from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from villageaid.cases.catalogue import MEASURE_CHOICES
from villageaid.cases.models import Case, CaseMeasure, Transition
from villageaid.core import bounds
from villageaid.registry import labels

RISKS = list(labels.RISK_TYPE_LABELS.items())
MIN_FILL_SECONDS = 3
MAX_FILL_SECONDS = 3600


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


class TransitionForm(StyledForm):
    decision = forms.ChoiceField(label=_("办理结果"), choices=Transition.Decision.choices)
    step_code = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("意见或理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    on = bounds.PastDateField(label=_("办理日期"), required=False)
    attendees = bounds.PEOPLE.form_field(label=_("参会人数"), required=False)
    votes_for = bounds.PEOPLE.form_field(label=_("赞成票"), required=False)
    votes_against = bounds.PEOPLE.form_field(label=_("反对票"), required=False)
    minutes = forms.CharField(
        label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    category = forms.ChoiceField(
        label=_("监测对象类别"), choices=[("", "—"), *Case.Category.choices], required=False
    )
    comparisons = forms.CharField(
        label=_("比对结果（每行：部门：结果，疑似问题在行首加 !）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), choices=RISKS, required=False, widget=forms.CheckboxSelectMultiple
    )

    def data_for(self, step_code: str) -> dict[str, Any]:
        c = self.cleaned_data
        if step_code == "review":
            keys = ("attendees", "votes_for", "votes_against", "minutes")
            return {k: c[k] for k in keys if c.get(k) not in (None, "")}
        if step_code == "compare":
            return {"comparisons": self.comparison_rows()}
        if step_code == "county":
            return {"category": c.get("category", ""), "risk_types": ";".join(c["risk_types"])}
        return {}

    def comparison_rows(self) -> list[tuple[str, str, bool]]:
        rows = []
        for line in self.cleaned_data.get("comparisons", "").splitlines():
            flagged = line.startswith("!")
            department, _sep, findings = line.lstrip("!").replace("：", ":").partition(":")
            if department.strip():
                rows.append((department.strip(), findings.strip(), flagged))
        return rows


class VerifyForm(StyledForm):
    on = bounds.PastDateField(label=_("核实日期"))
    wage = bounds.INCOME.form_field(label=_("工资性收入"), initial=0)
    business = bounds.INCOME.form_field(label=_("生产经营性收入"), initial=0)
    property_income = bounds.INCOME.form_field(label=_("财产性收入"), initial=0)
    transfer = bounds.INCOME.form_field(label=_("转移性收入"), initial=0)
    production_costs = bounds.EXPENSE.form_field(label=_("生产经营性支出"), initial=0)
    medical_expense = bounds.EXPENSE.form_field(label=_("合规自付医疗支出"), initial=0)
    education_expense = bounds.EXPENSE.form_field(label=_("子女上学支出"), initial=0)
    food_clothing_ok = forms.BooleanField(label=_("不愁吃不愁穿"), required=False, initial=True)
    education_ok = forms.BooleanField(label=_("义务教育有保障"), required=False, initial=True)
    medical_ok = forms.BooleanField(label=_("基本医疗有保障"), required=False, initial=True)
    housing_grade = forms.ChoiceField(
        label=_("住房安全等级"), choices=[("", "—"), *[(g, g) for g in "ABCD"]], required=False
    )
    water_quantity_ok = forms.BooleanField(label=_("水量达标"), required=False, initial=True)
    water_quality_ok = forms.BooleanField(label=_("水质达标"), required=False, initial=True)
    water_access_ok = forms.BooleanField(label=_("取水方便"), required=False, initial=True)
    water_assurance_ok = forms.BooleanField(label=_("供水保证率达标"), required=False, initial=True)
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), choices=RISKS, required=False, widget=forms.CheckboxSelectMultiple
    )
    authorised = forms.BooleanField(label=_("已签署承诺授权书"), required=False)
    note = forms.CharField(label=_("备注"), required=False)

    INCOME = ("wage", "business", "property_income", "transfer", "production_costs")
    GUARANTEES = (
        "food_clothing_ok",
        "education_ok",
        "medical_ok",
        "housing_grade",
        "water_quantity_ok",
        "water_quality_ok",
        "water_access_ok",
        "water_assurance_ok",
    )


class MeasureForm(StyledForm):
    measure = forms.ChoiceField(label=_("措施"), choices=MEASURE_CHOICES)
    department = forms.CharField(label=_("责任部门"), max_length=50)
    person = forms.CharField(label=_("责任人"), max_length=50, required=False)
    amount = bounds.AMOUNT.form_field(label=_("金额（元）"), required=False)
    in_kind = forms.CharField(label=_("实物"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=CaseMeasure.Status.choices)
    granted_on = bounds.PastDateField(label=_("落实日期"))


class OpenForm(StyledForm):
    household_code = forms.CharField(label=_("户编号"), max_length=32)
    summary = forms.CharField(label=_("困难情况"), widget=forms.Textarea(attrs={"rows": 3}))
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"), choices=RISKS, required=False, widget=forms.CheckboxSelectMultiple
    )
    opened_on = bounds.PastDateField(label=_("发现日期"), required=False)


def fill_token() -> str:
    return signing.dumps({"t": time.time()}, salt="cases.declare")


class DeclareForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    group_name = forms.CharField(label=_("村民小组"), max_length=50, required=False)
    phone = forms.RegexField(label=_("联系电话"), regex=r"^1\d{10}$", required=False)
    risk_type = forms.ChoiceField(label=_("困难类型"), choices=[("", "—"), *RISKS], required=False)
    description = forms.CharField(
        label=_("困难情况"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    website = forms.CharField(required=False, label=_("请勿填写"))  # honeypot
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            raise forms.ValidationError(_("提交未通过检查"), code="honeypot")
        try:
            started = signing.loads(cleaned.get("token", ""), salt="cases.declare")["t"]
        except (signing.BadSignature, KeyError, TypeError):
            raise forms.ValidationError(_("表单已失效，请刷新后重填"), code="token") from None
        age = time.time() - float(started)
        if age < MIN_FILL_SECONDS or age > MAX_FILL_SECONDS:
            raise forms.ValidationError(_("提交未通过检查，请稍后再提交"), code="too_fast")
        return cleaned
