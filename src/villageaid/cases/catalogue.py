"""The measures catalogue (monitoring.md section 9): one entry per kind of
assistance, with its kind and the risk types it serves. Adding a measure is
adding a line here."""

from __future__ import annotations

from dataclasses import dataclass

DEVELOPMENT, SOCIAL_SECURITY = "development", "social_security"


@dataclass(frozen=True)
class MeasureKind:
    code: str
    name: str
    kind: str
    risk_types: tuple[str, ...]
    employment: bool = False


MEASURES: dict[str, MeasureKind] = {
    m.code: m
    for m in (
        MeasureKind("medical", "医疗保障", SOCIAL_SECURITY, ("illness", "disability")),
        MeasureKind("education", "教育资助", DEVELOPMENT, ("education",)),
        MeasureKind(
            "employment", "就业帮扶", DEVELOPMENT, ("employment", "epidemic", "income"), True
        ),
        MeasureKind(
            "public_job", "公益性岗位", DEVELOPMENT, ("employment", "labour_loss", "epidemic"), True
        ),
        MeasureKind("industry", "产业帮扶", DEVELOPMENT, ("business_failure", "income")),
        MeasureKind("small_loan", "小额信贷", DEVELOPMENT, ("business_failure",)),
        MeasureKind("housing", "危房改造", SOCIAL_SECURITY, ("housing", "disaster")),
        MeasureKind(
            "dibao", "低保/临时救助", SOCIAL_SECURITY, ("labour_loss", "illness", "accident")
        ),
        MeasureKind(
            "township_fund",
            "镇级扶贫基金",
            SOCIAL_SECURITY,
            ("epidemic", "employment", "disaster", "accident"),
        ),
        MeasureKind("insurance", "防贫保险", SOCIAL_SECURITY, ("illness", "disaster", "accident")),
        MeasureKind("other", "其他", DEVELOPMENT, ("other",)),
    )
}

MEASURE_CHOICES = [(m.code, m.name) for m in MEASURES.values()]
