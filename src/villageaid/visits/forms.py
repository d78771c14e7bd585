from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds
from villageaid.registry.models import Household
from villageaid.visits.models import (
    ANSWER_LABELS,
    CHECKLIST,
    INCOME_CHANGE_CHOICES,
    METHODS,
    Visit,
)

ANSWERS = [(code, _(label)) for code, label in ANSWER_LABELS.items()]


class VisitForm(forms.Form):
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    visited_at = bounds.PastDateTimeField(
        label=_("走访时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    outcome = forms.ChoiceField(label=_("走访结果"), choices=Visit.Outcome.choices)
    members_met = forms.MultipleChoiceField(
        label=_("见到的家庭成员"), required=False, widget=forms.CheckboxSelectMultiple
    )
    income_change = forms.ChoiceField(
        label=_("与上次相比家庭收入"),
        required=False,
        choices=[("", _("未询问")), *INCOME_CHANGE_CHOICES],
    )
    needs = forms.CharField(
        label=_("困难和需求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    suggestions = forms.CharField(
        label=_("意见建议"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.FileField(
        label=_("现场照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    signature = forms.FileField(
        label=_("农户签字确认（拍照）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    latitude = bounds.LATITUDE.form_field(required=False, widget=forms.HiddenInput)
    longitude = bounds.LONGITUDE.form_field(required=False, widget=forms.HiddenInput)
    working_members = forms.IntegerField(
        label=_("务工就业人数"), required=False, min_value=0, max_value=99
    )
    ill_members = forms.IntegerField(label=_("患病人数"), required=False, min_value=0, max_value=99)
    pupils = forms.IntegerField(label=_("在校生人数"), required=False, min_value=0, max_value=99)
    report = forms.CharField(
        label=_("向村干部报告困难（将转为监测帮扶线索）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = household.members.filter(status="active")
        met = self.fields["members_met"]
        assert isinstance(met, forms.MultipleChoiceField)
        met.choices = [(str(m.pk), m.name) for m in members]
        for code, label in CHECKLIST.items():
            self.fields[f"check_{code}"] = forms.ChoiceField(
                label=label, choices=ANSWERS, initial="yes", widget=forms.RadioSelect
            )
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select) and not isinstance(
                field.widget, forms.RadioSelect
            ):
                field.widget.attrs.setdefault("class", "form-select")
            elif not isinstance(field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                field.widget.attrs.setdefault("class", "form-control")

    def answers(self) -> dict[str, int]:
        names = ("working_members", "ill_members", "pupils")
        return {n: self.cleaned_data[n] for n in names if self.cleaned_data.get(n) is not None}

    def checklist(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"check_{code}"] for code in CHECKLIST}


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            continue
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


REASON = {"maxlength": 200}


class PairingForm(forms.Form):
    """Pair a household with a helper (a reassignment when it has one)."""

    household = forms.ChoiceField(label=_("农户"))
    helper = forms.ChoiceField(label=_("帮扶责任人"))
    on = bounds.PastDateField(
        label=_("结对日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("原因（调整结对时必填）"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=REASON),
    )

    def __init__(self, *args: Any, households: Any, helpers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = households  # type: ignore[attr-defined]
        self.fields["helper"].choices = helpers  # type: ignore[attr-defined]
        _styled(self)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("评估名称"), max_length=100)
    villages = forms.MultipleChoiceField(
        label=_("评估范围（村）"), widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(
        label=_("开始日期"),
        validators=[bounds.check_planned_date],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("结束日期"),
        validators=[bounds.check_planned_date],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    sample_size = bounds.PEOPLE.form_field(label=_("第三方抽样户数"), required=False)
    sample_rate = bounds.SAMPLE_RATE.form_field(label=_("或按比例抽样（%）"), required=False)
    sample_seed = forms.CharField(
        label=_("抽样种子（留空自动生成，记录备查）"), required=False, max_length=64
    )
    checklist = forms.MultipleChoiceField(
        label=_("检查内容"),
        choices=[(k, _(v)) for k, v in CHECKLIST.items()],
        initial=list(CHECKLIST),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    methods = forms.MultipleChoiceField(
        label=_("评估方式"),
        choices=[(k, _(v)) for k, v in METHODS.items()],
        initial=list(METHODS),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["villages"].choices = villages  # type: ignore[attr-defined]
        _styled(self)


class CondolenceForm(forms.Form):
    household = forms.ChoiceField(label=_("慰问农户"))
    visited_on = bounds.PastDateField(
        label=_("慰问日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    occasion = forms.CharField(label=_("事由"), max_length=50, required=False)
    visitors = forms.CharField(
        label=_("慰问人员"),
        max_length=200,
        required=False,
        help_text=_("除本人外同去的人员，多人以、分隔"),
    )
    item = forms.CharField(label=_("慰问品"), max_length=50, required=False)
    quantity = bounds.GIFT_QUANTITY.form_field(label=_("数量"), required=False)
    unit = forms.CharField(label=_("单位"), max_length=10, required=False)
    value_yuan = bounds.ITEM_VALUE.form_field(label=_("物品价值（元）"), required=False)
    item2 = forms.CharField(label=_("慰问品（二）"), max_length=50, required=False)
    quantity2 = bounds.GIFT_QUANTITY.form_field(label=_("数量"), required=False)
    unit2 = forms.CharField(label=_("单位"), max_length=10, required=False)
    value_yuan2 = bounds.ITEM_VALUE.form_field(label=_("物品价值（元）"), required=False)
    cash_yuan = bounds.ITEM_VALUE.form_field(label=_("慰问金（元）"), required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, households: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = households  # type: ignore[attr-defined]
        _styled(self)

    def goods(self) -> list[tuple[str, Any, str, Any]]:
        data, lines = self.cleaned_data, []
        for tail in ("", "2"):
            if data.get(f"item{tail}"):
                lines.append(
                    (
                        data[f"item{tail}"],
                        data.get(f"quantity{tail}") or 1,
                        data.get(f"unit{tail}") or "",
                        data.get(f"value_yuan{tail}") or 0,
                    )
                )
        return lines


class PointClaimForm(forms.Form):
    member = forms.ChoiceField(label=_("党员"))
    rule = forms.ChoiceField(label=_("积分规则"), required=False)
    points = bounds.POINTS.form_field(label=_("分值（不按规则时填写）"), required=False)
    reason = forms.CharField(label=_("事由"), max_length=200)
    on = bounds.PastDateField(
        label=_("日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def __init__(self, *args: Any, members: Any, rules: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]
        self.fields["rule"].choices = [("", _("不按规则")), *rules]  # type: ignore[attr-defined]
        _styled(self)
