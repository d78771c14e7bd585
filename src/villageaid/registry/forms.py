from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from villageaid.registry import labels
from villageaid.registry.models import Household
from villageaid.registry.services import EDITABLE


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("名册文件（XLSX 或 CSV）"))
    village = forms.ChoiceField(label=_("行政村（名册没有村代码列时）"), required=False)

    def __init__(self, *args: Any, villages: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village_field: Any = self.fields["village"]
        village_field.choices = [("", "—")] + [(v.code, v.name) for v in villages]


class HouseholdForm(forms.ModelForm):
    risk_types = forms.MultipleChoiceField(
        label=_("风险类型"),
        choices=list(labels.RISK_TYPE_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Household
        fields = [f for f in EDITABLE if f != "risk_types"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["risk_types"] = self.instance.risk_type_list
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control"
            )
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", css)

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["risk_types"] = ";".join(data.get("risk_types") or [])
        return {k: v for k, v in data.items() if k in EDITABLE}
