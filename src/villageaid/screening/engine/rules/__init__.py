"""The rule registry: one module per rule, listed here in run order.

To add a rule, copy its closest sibling, change ``RULE``, and add it below.
"""

from __future__ import annotations

from villageaid.screening.engine.ruledef import RuleDef
from villageaid.screening.engine.rules import (
    a01_vehicle,
    a02_business,
    a03_real_estate,
    a04_public_employee,
    a05_deceased_still_active,
    q01_bad_id,
    q02_duplicate_id,
    q03_id_contradiction,
    q04_monitored_without_risk,
    q05_risk_contradicts_members,
    q06_child_labour,
    r01_hospital_self_pay,
    r02_self_pay_over_income,
    r03_disability,
    r04_working_age_death,
    r05_disaster,
    r06_unemployment,
    r07_unsafe_housing,
    r08_dropout,
    r09_social_assistance,
    r10_low_income,
    r11_income_after_medical,
    r12_uninsured,
    r13_low_income_population,
)

RULES: tuple[RuleDef, ...] = tuple(
    module.RULE
    for module in (
        r01_hospital_self_pay,
        r02_self_pay_over_income,
        r03_disability,
        r04_working_age_death,
        r05_disaster,
        r06_unemployment,
        r07_unsafe_housing,
        r08_dropout,
        r09_social_assistance,
        r10_low_income,
        r11_income_after_medical,
        r12_uninsured,
        r13_low_income_population,
        a01_vehicle,
        a02_business,
        a03_real_estate,
        a04_public_employee,
        a05_deceased_still_active,
        q01_bad_id,
        q02_duplicate_id,
        q03_id_contradiction,
        q04_monitored_without_risk,
        q05_risk_contradicts_members,
        q06_child_labour,
    )
)
