"""Where a clue ends, and the correction procedure for data that was simply wrong.

Models (imported by ``cases.models``): ``ClueEnding`` records how a screening clue ended —
opened as a case, joined to the household's case, closed as 核实无风险 (with verifier, date,
reason and evidence, reviewed by the township on a sample), or turned into a correction —
``ClueEscalation`` that an overdue clue was escalated once, and ``Correction`` a request by
the village, with reason and attachment, that the township approves or refuses; an approved
correction is applied to the registry with history (``registry.services.household_decide``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from villageaid.registry.models import Household, Person

USER = settings.AUTH_USER_MODEL


class Correction(models.Model):
    class Status(models.TextChoices):
        TASK = "task", _("待村级提出")
        REQUESTED = "requested", _("待乡镇审批")
        APPROVED = "approved", _("已批准并更正")
        REFUSED = "refused", _("不予更正")

    class Field(models.TextChoices):
        HOUSEHOLD_TYPE = "household_type", _("户类型")
        MONITORING_STATUS = "monitoring_status", _("监测状态")
        MONITORING_CATEGORY = "monitoring_category", _("监测对象类别")
        RISK_TYPES = "risk_types", _("风险类型")
        PERSON_STATUS = "person_status", _("成员状态（死亡、迁出）")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    field = models.CharField(_("更正项目"), max_length=20, choices=Field.choices, blank=True)
    old_value = models.CharField(_("原值"), max_length=200, blank=True)
    new_value = models.CharField(_("更正为"), max_length=200, blank=True)
    reason = models.TextField(_("更正理由"), blank=True)
    attachment = models.FileField(_("证明材料"), upload_to="cases/corrections/%Y/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TASK)
    clue = models.ForeignKey(
        "screening.Clue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.field} {self.get_status_display()}"


class ClueEnding(models.Model):
    class Ending(models.TextChoices):
        OPENED = "opened", _("已立案")
        JOINED = "joined", _("并入已有案件")
        NO_RISK = "no_risk", _("核实无风险")
        CORRECTION = "correction", _("转数据更正")

    class Review(models.TextChoices):
        CONFIRMED = "confirmed", _("抽查确认")
        REOPENED = "reopened", _("抽查退回")

    clue = models.ForeignKey("screening.Clue", on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    ending = models.CharField(_("处置结果"), max_length=10, choices=Ending.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="clue_endings"
    )
    correction = models.ForeignKey(
        Correction, null=True, blank=True, on_delete=models.SET_NULL, related_name="endings"
    )
    verifier = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    reason = models.TextField(_("核实情况"), blank=True)
    evidence = models.FileField(_("照片或证明材料"), upload_to="cases/clues/%Y/", blank=True)
    sampled = models.BooleanField(_("抽查"), default=False)
    review = models.CharField(max_length=10, choices=Review.choices, blank=True)
    reviewed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_on = models.DateField(null=True, blank=True)
    review_note = models.TextField(_("抽查意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A clue has one standing ending; one sent back by the township no longer stands.
            models.UniqueConstraint(
                fields=["clue"],
                condition=~models.Q(review="reopened"),
                name="clue_one_standing_ending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clue_id} {self.ending}"


class ClueEscalation(models.Model):
    """An open clue past its limit was escalated to the township and county (once)."""

    clue = models.OneToOneField("screening.Clue", on_delete=models.CASCADE, related_name="+")
    escalated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.clue_id} {self.escalated_at:%Y-%m-%d}"
