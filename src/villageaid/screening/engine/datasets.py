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
    ),
    Dataset("real_estate", (("id_number", "id"), ("property_type", "text"))),
    Dataset("public_employees", (("id_number", "id"),)),
)

BY_NAME = {d.name: d for d in (*REGISTRY, *DEPARTMENT)}
