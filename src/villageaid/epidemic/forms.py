"""Input forms of the epidemic pages (validation of shape only; rules live in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds
from villageaid.core.models import Area
from villageaid.epidemic.models import (
    DisinfectionLog,
    EpidemicCase,
    Item,
    Passage,
    Round,
    Symptom,
)


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (templates carry no inline styles)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class VillageForm(forms.Form):
    village = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("村"))

    def __init__(self, *args: Any, villages: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = villages
        if villages.count() == 1:
            field.initial = villages.first()
            field.widget = forms.HiddenInput()
        style(self)


class GateForm(forms.Form):
    """The quick-entry screen: big toggles, a temperature, and optional details."""

    party = forms.ChoiceField(choices=Passage.Party.choices, initial="villager")
    direction = forms.ChoiceField(choices=Passage.Direction.choices, initial="in")
    kind = forms.ChoiceField(choices=Passage.Kind.choices, initial="person")
    temperature = forms.CharField(required=False, max_length=5)
    name = forms.CharField(required=False, max_length=50, label=_("姓名"))
    phone = forms.CharField(required=False, max_length=11, label=_("电话"))
    plate = forms.CharField(required=False, max_length=16, label=_("车牌"))
    vehicle_disinfected = forms.BooleanField(required=False, label=_("车辆已消毒"))
    health_code = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *Passage.CodeColour.choices],
        label=_("健康码"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    travel_history = forms.CharField(required=False, max_length=200, label=_("14天旅居史"))
    closure_exception = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *Passage.Exemption.choices],
        label=_("封村例外事由"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    client_token = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)


class BulkForm(forms.Form):
    day = bounds.PastDateField(label=_("日期"), initial=timezone.localdate)
    lines = forms.CharField(
        label=_("纸质台账，每行一条"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("例：07:30 村民 进 36.5 ／ 08:10 外来 进 36.8 张三 13800000000 绿码"),
    )


class WorkerForm(VillageForm):
    name = forms.CharField(max_length=50, label=_("姓名"))
    phone = forms.CharField(max_length=11, required=False, label=_("电话"))
    local_resident = forms.BooleanField(required=False, label=_("本地居民"))
    no_outside_travel = forms.BooleanField(required=False, label=_("无外出旅居史"))
    no_contact_history = forms.BooleanField(required=False, label=_("无接触史"))
    attestation_signed = forms.BooleanField(required=False, label=_("已签承诺书"))
    attestation_file = forms.FileField(required=False, label=_("承诺书扫描件"))


class RoundForm(forms.Form):
    date = bounds.PastDateField(initial=timezone.localdate)
    round = forms.ChoiceField(choices=Round.choices)


class DisinfectionForm(VillageForm):
    place = forms.CharField(max_length=100, label=_("消毒区域"), initial=_("羊肚菌大棚"))
    agent = forms.CharField(max_length=100, label=_("消毒剂"), initial=_("84消毒液"))
    phase = forms.ChoiceField(choices=DisinfectionLog.Phase.choices, label=_("时段"))
    done_by = forms.CharField(max_length=50, label=_("消毒人"))


class HandOutForm(VillageForm):
    item = forms.ChoiceField(choices=Item.choices, label=_("物资"))
    quantity = bounds.ITEM_COUNT.form_field(label=_("数量"))
    to = forms.CharField(max_length=100, label=_("领取人或班组"))
    is_team = forms.BooleanField(required=False, label=_("班组"))
    by = forms.CharField(max_length=50, required=False, label=_("经办人"))


class ReceiveForm(VillageForm):
    item = forms.ChoiceField(choices=Item.choices, label=_("物资"))
    quantity = bounds.ITEM_COUNT.form_field(label=_("数量"))
    source = forms.CharField(max_length=100, label=_("来源"))


class CaseForm(VillageForm):
    status = forms.ChoiceField(choices=EpidemicCase.Status.choices, label=_("状态"))
    opened_on = bounds.PastDateField(label=_("登记日期"), initial=timezone.localdate)
    person_name = forms.CharField(max_length=50, required=False, label=_("姓名"))
    imported = forms.BooleanField(required=False, label=_("输入性"))


def _area_label(area: Area) -> str:
    return (
        f"{area.parent.name} · {area.name}" if area.level == "grid" and area.parent else area.name
    )


class ReturneeForm(forms.Form):
    area = forms.ModelChoiceField(queryset=Area.objects.none(), label=_("村或网格"))
    name = forms.CharField(max_length=50, label=_("姓名"))
    phone = forms.CharField(max_length=11, required=False, label=_("电话"))
    id_number = forms.CharField(max_length=18, required=False, label=_("身份证号（可不填）"))
    origin = forms.CharField(max_length=100, label=_("从何处返回"))
    arrived_on = bounds.PastDateField(label=_("返村日期"), initial=timezone.localdate)
    passage = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, areas: QuerySet[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = areas
        field.label_from_instance = _area_label  # type: ignore[method-assign,assignment]
        if areas.count() == 1:
            field.initial = areas.first()
            field.widget = forms.HiddenInput()
        style(self)


class CheckForm(forms.Form):
    date = bounds.PastDateField(label=_("日期"), initial=timezone.localdate)
    temperature = forms.CharField(max_length=5, label=_("体温（℃）"))
    symptoms = forms.MultipleChoiceField(
        required=False,
        choices=Symptom.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("症状（没有就不选）"),
    )
    note = forms.CharField(max_length=200, required=False, label=_("备注"))


class ClosureForm(VillageForm):
    reason = forms.CharField(
        max_length=200, label=_("封村原因"), initial=_("疫情防控，只留进村主路，居民凭登记出入")
    )
