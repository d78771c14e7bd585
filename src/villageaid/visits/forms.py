from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds
from villageaid.registry.models import Household
from villageaid.visits.models import ANSWER_LABELS, CHECKLIST, Visit

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
