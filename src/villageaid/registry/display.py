"""Chinese labels of codes that are stored without a choices label (issue 21: every value a
page shows is Chinese). Each table maps a stored code to its label; templates use them through
``{{ value|zh:"table" }}`` (templatetags/names.py). A code no table knows is shown as it is, so a
new code shows up in the page test (registry/tests/test_names_on_pages.py) instead of vanishing.

The tables live here, not in the apps that store the codes, where a label change would need a
migration of that app's choices; the registry owns the naming of things on pages.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from villageaid.registry import labels

__all__ = ["TABLES", "label"]

_StrMap = dict[str, str | Promise]

SEVERITY: _StrMap = {"high": _("高"), "medium": _("中"), "low": _("低")}

CLUE_KIND: _StrMap = {"risk": _("风险预警"), "anomaly": _("疑似问题"), "quality": _("数据质量")}

# INTERFACES 3.1: the department datasets, and the registry's own two.
DATASET: _StrMap = {
    "households": _("农户"),
    "persons": _("家庭成员"),
    "medical_claims": _("医保住院结算（医保）"),
    "disability_certificates": _("残疾人证（残联）"),
    "deaths": _("死亡登记（公安）"),
    "disasters": _("受灾登记（应急）"),
    "unemployment": _("失业登记（人社）"),
    "housing_appraisals": _("农房安全鉴定（住建）"),
    "students": _("学籍（教育）"),
    "social_assistance": _("社会救助（民政）"),
    "vehicles": _("车辆登记（公安交管）"),
    "businesses": _("市场主体登记（市场监管）"),
    "real_estate": _("不动产登记"),
    "public_employees": _("财政供养人员（财政/人事）"),
    "employee_insurance": _("职工社保（人社）"),
    "low_income": _("低收入人口（民政）"),
}

# Values inside department records that evidence may quote (INTERFACES 3.1).
RECORD_VALUE: _StrMap = {
    "car": _("小汽车"),
    "truck": _("货车"),
    "motorcycle": _("摩托车"),
    "farm_machine": _("农用机械"),
    "legal_rep": _("法定代表人"),
    "shareholder": _("股东"),
    "active": _("存续"),
    "closed": _("注销"),
    "commercial_housing": _("商品房"),
    "shop": _("商铺"),
    "rural_homestead": _("农村宅基地"),
    "enrolled": _("在校"),
    "dropout": _("辍学"),
    "suspended": _("休学"),
    "dibao": _("低保"),
    "tekun": _("特困供养"),
    "temporary": _("临时救助"),
}

# Screening rule parameters (screening/engine/rules).
RULE_PARAM: _StrMap = {
    "min_age": _("最低年龄"),
    "max_age": _("最高年龄"),
    "under_age": _("未满年龄"),
    "price_threshold": _("购置价阈值（元）"),
    "other_threshold": _("其他阈值（元）"),
    "loss_threshold": _("损失阈值（元）"),
    "covered_threshold": _("监测对象阈值（元）"),
    "severe_max_grade": _("重度残疾最高等级"),
    "severity": _("等级"),
    "condition": _("附加条件"),
}

# Greenhouse measurements (greenhouse Sensor.key).
SENSOR: _StrMap = {
    "air_temp": _("棚内气温"),
    "air_rh": _("棚内湿度"),
    "soil_temp": _("地温"),
    "soil_moisture": _("土壤湿度"),
    "outdoor_temp": _("室外气温"),
    "outdoor_rh": _("室外湿度"),
    "co2": _("二氧化碳"),
    "light": _("光照"),
    "par": _("光合有效辐射"),
    "wind": _("风速"),
    "rain": _("降雨"),
}

# Sales buyer types (sales Customer/Order buyer_type choices), for aggregates that lose them.
BUYER_TYPE: _StrMap = {
    "consumer": _("个人消费者"),
    "staff": _("机关干部职工"),
    "budget_unit": _("预算单位"),
    "hotel": _("酒店"),
    "community": _("社区团购"),
    "platform": _("电商平台"),
    "enterprise": _("企业"),
}

# Policy income ranges as the resolver hands them to the worksheet (policy.IncomeRange choices).
LINE_BASIS: _StrMap = {
    "fixed_yuan": _("固定金额"),
    "multiple_of_national_line": _("国家扶贫标准的倍数"),
    "multiple_of_dibao": _("农村低保标准的倍数"),
}
INCOME_CONCEPT: _StrMap = {"net": _("人均纯收入"), "disposable": _("人均可支配收入")}

TABLES: dict[str, dict[str, Any]] = {
    "risk_type": labels.RISK_TYPE_LABELS,
    "severity": SEVERITY,
    "clue_kind": CLUE_KIND,
    "dataset": DATASET,
    "record_value": RECORD_VALUE,
    "rule_param": RULE_PARAM,
    "sensor": SENSOR,
    "buyer_type": BUYER_TYPE,
    "line_basis": LINE_BASIS,
    "income_concept": INCOME_CONCEPT,
    "household_type": labels.HOUSEHOLD_TYPE_LABELS,
    "monitoring_status": labels.MONITORING_STATUS_LABELS,
    "monitoring_category": labels.MONITORING_CATEGORY_LABELS,
}


def label(table: str, value: Any) -> str:
    """The label of ``value`` in ``table``; ``risk_types`` takes a ``;``-separated list."""
    if value is None or value == "":
        return "—"
    if table == "risk_types":
        return "、".join(label("risk_type", code) for code in str(value).split(";") if code) or "—"
    return str(TABLES[table].get(str(value), value))
