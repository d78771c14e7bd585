from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from villageaid.policy.resolved import CALENDAR, WORKING


class VersionForm(forms.Form):
    area = forms.ChoiceField(label=_("适用区域（省或县）"))
    code = forms.RegexField(
        label=_("版本编号"), max_length=40, regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    )
    name = forms.CharField(label=_("名称"), max_length=200)
    effective_from = forms.DateField(label=_("生效日期"))
    effective_to = forms.DateField(label=_("失效日期"), required=False)
    year = forms.IntegerField(
        label=_("收入年度（可空）"), min_value=2000, max_value=2100, required=False
    )
    line = forms.DecimalField(
        label=_("监测范围上限（元/人·年，可空）"),
        required=False,
        min_value=Decimal(1),
        max_value=Decimal(1_000_000),
        decimal_places=2,
    )
    identification_days = forms.IntegerField(
        label=_("识别办结时限（天，可空）"), min_value=1, max_value=120, required=False
    )
    day_kind = forms.ChoiceField(
        label=_("时限类型"), choices=[(CALENDAR, _("自然日")), (WORKING, _("工作日"))]
    )
    notice_min_days = forms.IntegerField(
        label=_("公示最少天数（可空）"), min_value=1, max_value=120, required=False
    )
    source = forms.CharField(label=_("依据（文件名称、文号或网址）"), max_length=300)

    def clean_effective_from(self) -> dt.date:
        value: dt.date = self.cleaned_data["effective_from"]
        if not dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("日期超出合理区间"))
        return value
