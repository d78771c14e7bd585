"""The seed what-if's form: every input bounded (core.bounds, the model's calendar)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from villageaid.core import bounds
from villageaid.greenhouse import investment, whatif


class WhatIfForm(forms.Form):
    start = forms.DateField(
        label=_("复工（开始春季管理）日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("1月15日至5月10日之间"),
    )
    option = forms.ChoiceField(label=_("设备方案"), choices=())
    houses = bounds.HOUSES.form_field(label=_("大棚数（每棚8×60米，约0.72亩）"))
    yield_kg_per_mu = bounds.YIELD_KG_PER_MU.form_field(
        label=_("满季亩产（公斤/亩）"),
        help_text=_("乳山大拱棚平均212公斤/亩；全国大田0–508公斤/亩"),
    )
    price_early = bounds.PRICE_PER_JIN.form_field(
        label=_("4月1日鲜菇价（元/斤）"),
        help_text=_("北马村4月9日直播约89元/斤；莱西季初240元/斤"),
    )
    price_late = bounds.PRICE_PER_JIN.form_field(
        label=_("季末鲜菇价（元/斤）"), help_text=_("莱西后期跌到50–60元/斤")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [  # type: ignore[attr-defined]
            (o.key, o.label_zh) for o in investment.OPTIONS
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_start(self) -> dt.date:
        start: dt.date = self.cleaned_data["start"]
        first = dt.date(start.year, *whatif.SEASON_FIRST)
        last = dt.date(start.year, *whatif.SEASON_LAST)
        if not first <= start <= last:
            raise forms.ValidationError(_("日期须在当年1月15日至5月10日之间"))
        return start
