"""Input relations: the registry interchange (INTERFACES 2.1) and department datasets (3.1).

Each column has a type used when staging: ``id`` (trimmed, upper-case),
``text`` (trimmed, empty is NULL), ``date``, ``money`` (DECIMAL(18,2)) or ``int``.
Only the columns listed here are read; others are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[tuple[str, str], ...]
    date_column: str | None = None
    optional: tuple[tuple[str, str], ...] = ()  # staged as NULL when the file lacks them

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


REGISTRY = (
    Dataset(
        "households",
        (
            ("household_code", "text"),
            ("village_code", "text"),
            ("household_type", "text"),
            ("monitoring_status", "text"),
            ("monitoring_category", "text"),
            ("risk_types", "text"),
            ("net_income_12m", "money"),
        ),
    ),
    Dataset(
        "persons",
        (
            ("household_code", "text"),
            ("id_number", "id"),
            ("sex", "text"),
            ("birth_date", "date"),
            ("health", "text"),
            ("labour", "text"),
            ("medical_insurance", "text"),
            ("status", "text"),
        ),
    ),
)

DEPARTMENT = (
    Dataset(
        "medical_claims",
        (
            ("id_number", "id"),
            ("admission_date", "date"),
            ("discharge_date", "date"),
            ("total_cost", "money"),
            ("self_pay", "money"),
        ),
        "admission_date",
    ),
    Dataset(
        "disability_certificates",
        (("id_number", "id"), ("grade", "int"), ("issued_date", "date")),
        "issued_date",
    ),
    Dataset("deaths", (("id_number", "id"), ("death_date", "date")), "death_date"),
    Dataset(
        "disasters",
        (("id_number", "id"), ("event_date", "date"), ("kind", "text"), ("loss_amount", "money")),
        "event_date",
    ),
    Dataset("unemployment", (("id_number", "id"), ("registered_date", "date")), "registered_date"),
    Dataset(
        "housing_appraisals",
        (("id_number", "id"), ("appraisal_date", "date"), ("grade", "text")),
        "appraisal_date",
    ),
    Dataset(
        "students",
        (("id_number", "id"), ("status", "text"), ("as_of_date", "date")),
        "as_of_date",
    ),
    Dataset(
        "social_assistance",
        (("id_number", "id"), ("programme", "text"), ("start_date", "date")),
        "start_date",
    ),
    Dataset(
        "vehicles",
        (
            ("id_number", "id"),
            ("vehicle_type", "text"),
            ("purchase_price", "money"),
            ("registered_date", "date"),
        ),
        "registered_date",
    ),
    Dataset(
        "businesses",
        (
            ("id_number", "id"),
            ("role", "text"),
            ("status", "text"),
            ("registered_capital", "money"),
        ),
        # company, individual (个体工商户) or cooperative (农民专业合作社); A02's exception
        optional=(("entity_type", "text"),),
    ),
    Dataset("real_estate", (("id_number", "id"), ("property_type", "text"))),
    Dataset("public_employees", (("id_number", "id"),)),
    # 医保: persons in 职工基本医疗保险 (employee basic medical insurance); R12's exception
    Dataset("employee_insurance", (("id_number", "id"), ("start_date", "date")), "start_date"),
    # 民政 低收入人口动态监测 (2023 国办 opinion; 2025–2026 joint identification): category
    # dibao (低保), tekun (特困), dibao_edge (低保边缘), rigid_expense (刚性支出困难), other
    Dataset(
        "low_income",
        (("id_number", "id"), ("category", "text"), ("recognised_date", "date")),
        "recognised_date",
    ),
)

BY_NAME = {d.name: d for d in (*REGISTRY, *DEPARTMENT)}
