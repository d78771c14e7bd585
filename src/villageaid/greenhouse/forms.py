"""Forms of the greenhouse pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds, units
from villageaid.greenhouse.models import Harvest, House


class HouseChoiceField(forms.ModelChoiceField):
    """Houses by their names (with the park's), never their codes."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.park.name} · {obj.name or obj.code}"


class HarvestForm(forms.Form):
    house = HouseChoiceField(label=_("大棚"), queryset=House.objects.none())
    date = bounds.PastDateField(
        label=_("采收日期"),
        initial=timezone.localdate,  # the real day: a harvest keeps the day it was picked
        widget=forms.DateInput(
            attrs={"type": "date"}, format="%Y-%m-%d"
        ),  # what a date input reads
    )
    grade = forms.ChoiceField(label=_("等级"), choices=Harvest.Grade.choices)
    jin = bounds.HARVEST_JIN.form_field(label=_("重量（斤）"))
    picked_by = forms.CharField(label=_("采摘人"), max_length=100, required=False)
    note = forms.CharField(label=_("备注"), max_length=255, required=False)
    photo = forms.FileField(
        label=_("照片（可选，JPEG/PNG/WebP，不超过 5 MB）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args: Any, houses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    @property
    def grams(self) -> int:
        return units.grams_from_jin(self.cleaned_data["jin"])


class OverrideForm(forms.Form):
    actuator = forms.ChoiceField(label=_("执行器"), choices=())
    value = forms.FloatField(
        label=_("设定值"), min_value=0, max_value=100, help_text=_("风口 %，喷雾 秒/分钟，开关 0/1")
    )
    minutes = forms.IntegerField(
        label=_("接管时长（分钟）"), min_value=1, max_value=1440, initial=30
    )

    def __init__(self, *args: Any, actuators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actuator"].choices = actuators  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
