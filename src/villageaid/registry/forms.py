from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
    """The facts a village may edit. 户类型, 监测状态, 监测对象类别 and 风险类型 are not here:
    they change only through a case or a correction (``services.PROTECTED``)."""

    class Meta:
        model = Household
        fields = list(EDITABLE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else "form-control"
            )
            if not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", css)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in EDITABLE}
