"""Cases of the 即时发现即时帮扶 chain: the procedure as data, cases with their
transitions, authorisations and comparisons, notices, measures and
self-declarations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from villageaid.cases.catalogue import MEASURE_CHOICES
from villageaid.core.models import Area
from villageaid.core.roles import Role
from villageaid.registry.models import Household

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    IDENTIFICATION = "identification", _("识别")
    ELIMINATION = "elimination", _("风险消除")


class Procedure(models.Model):
    """A province's identification and elimination steps (blank province: the default).
    Time limits and the notice period are policy data (``villageaid.policy``), by date."""

    province_code = models.CharField(_("省级区划代码"), max_length=15, blank=True)
    policy_version = models.CharField(
        _("政策版本"), max_length=40, blank=True, help_text=_("空为省级配置；否则为该版本的程序")
    )
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "policy_version"], name="procedure_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ProcedureStep(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.IDENTIFICATION)
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20)
    name = models.CharField(_("环节"), max_length=50)
    role = models.CharField(_("办理角色"), max_length=10, choices=Role.choices)
    also_roles = models.CharField(max_length=60, blank=True, help_text=_("也可办理的角色，以,分隔"))
    parallel_group = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["procedure", "kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "kind", "code"], name="step_code_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> set[str]:
        return {self.role, *[r for r in self.also_roles.split(",") if r]}


class SelfDeclaration(models.Model):
    """A household's own declaration from the public form of its village."""

    class Status(models.TextChoices):
        NEW = "new", _("待处理")
        CONVERTED = "converted", _("已立案")
        DISMISSED = "dismissed", _("不予受理")

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("申报人姓名"), max_length=50)
    group_name = models.CharField(_("村民小组"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=11, blank=True)
    risk_type = models.CharField(_("困难类型"), max_length=20, blank=True)
    description = models.TextField(_("困难情况"))
    ip_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.created_at:%Y-%m-%d}"


class Case(models.Model):
    class Source(models.TextChoices):
        CLUE = "clue", _("部门预警线索")
        SELF_DECLARATION = "self_declaration", _("农户申报")
        CADRE_REPORT = "cadre_report", _("干部排查")

    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        MONITORED = "monitored", _("已纳入监测")
        REJECTED = "rejected", _("不予纳入")
        ELIMINATED = "eliminated", _("风险已消除")
        WITHDRAWN = "withdrawn", _("已撤回")
        ROLLED_BACK = "rolled_back", _("消除已回退")

    class Category(models.TextChoices):
        UNSTABLE = "unstable", _("脱贫不稳定户")
        MARGINAL = "marginal", _("边缘易致贫户")
        SUDDEN = "sudden", _("突发严重困难户")
        # NAT-2020 (国开发〔2020〕6号): the categories of a 2020 case
        TP_MONITOR = "tp_monitor", _("脱贫监测户")
        EDGE = "edge", _("边缘户")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cases")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.IDENTIFICATION)
    source = models.CharField(max_length=16, choices=Source.choices)
    clue = models.ForeignKey(
        "screening.Clue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report = models.ForeignKey(
        "visits.VisitReport", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declaration = models.ForeignKey(
        SelfDeclaration, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    identification = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="eliminations",
        help_text=_("风险消除案件对应的识别案件"),
    )
    relapse_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relapses",
        help_text=_("风险消除后再次识别（返贫/致贫）时，对应的前一识别案件"),
    )
    summary = models.CharField(_("情况摘要"), max_length=300, blank=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("发现日期"))
    step = models.ForeignKey(
        ProcedureStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_steps = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    category = models.CharField(
        _("监测对象类别"), max_length=10, blank=True, choices=Category.choices
    )
    risk_types = models.CharField(_("风险类型"), max_length=200, blank=True)
    deadline = models.DateField(
        _("办结期限"), null=True, blank=True, help_text=_("政策版本未规定时限的为空")
    )
    policy_version = models.CharField(
        _("政策版本"), max_length=40, blank=True, help_text=_("立案时适用的政策版本编号")
    )
    decided_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            # One open case per household, whatever its kind: a second clue, report or
            # declaration joins the open case (a partial unique index on both databases).
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="open"),
                name="case_one_open_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household.code} {self.get_kind_display()}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        if self.deadline is None:
            return False
        return self.status == self.Status.OPEN and self.deadline < (today or dt.date.today())


class Transition(models.Model):
    class Decision(models.TextChoices):
        PASS = "pass", _("通过")
        REJECT = "reject", _("不通过")
        RETURN = "return", _("退回")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    step = models.ForeignKey(ProcedureStep, null=True, on_delete=models.PROTECT, related_name="+")
    step_code = models.CharField(max_length=20)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    reason = models.TextField(_("意见"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    on = models.DateField(_("办理日期"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step_code} {self.decision}"


class CaseAttachment(models.Model):
    transition = models.ForeignKey(Transition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/attachments/%Y/%m/")
    label = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.label or self.file.name


class Authorisation(models.Model):
    """The household's signed 承诺授权书."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="authorisations")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(_("签署日期"))
    scan = models.FileField(upload_to="cases/authorisations/%Y/", blank=True)

    def __str__(self) -> str:
        return f"{self.household_id} {self.signed_on}"


class Comparison(models.Model):
    """One department comparison made under an authorisation (信息比对)."""

    authorisation = models.ForeignKey(
        Authorisation, on_delete=models.CASCADE, related_name="comparisons"
    )
    department = models.CharField(_("比对部门"), max_length=50)
    compared_on = models.DateField()
    findings = models.TextField(_("比对结果"), blank=True)
    flagged = models.BooleanField(_("疑似问题"), default=False)

    def __str__(self) -> str:
        return self.department


class Notice(models.Model):
    """A village public notice (公示) of one or more cases."""

    village = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.IDENTIFICATION)
    cases = models.ManyToManyField(Case, related_name="notices")
    opened_on = models.DateField(_("公示开始"))
    min_days = models.PositiveSmallIntegerField(default=5)
    closed_on = models.DateField(_("公示结束"), null=True, blank=True)
    photo = models.FileField(upload_to="cases/notices/%Y/", blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.village_id} {self.opened_on}"


class Objection(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField(_("异议内容"))
    received_on = models.DateField()
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.text[:30]


class CaseMeasure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        DELIVERED = "delivered", _("已落实")
        VERIFIED = "verified", _("已核验")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    area_path = models.CharField(max_length=255, db_index=True, editable=False)
    measure = models.CharField(_("措施"), max_length=20, choices=MEASURE_CHOICES)
    department = models.CharField(_("责任部门"), max_length=50)
    person = models.CharField(_("责任人"), max_length=50, blank=True)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    in_kind = models.CharField(_("实物"), max_length=100, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    immediate = models.BooleanField(_("即时帮扶"), default=False)
    granted_on = models.DateField(_("落实日期"))
    evidence = models.FileField(upload_to="cases/measures/%Y/", blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["granted_on", "pk"]

    def __str__(self) -> str:
        return self.get_measure_display()


class DeclarationGate(models.Model):
    """One row per client (its hashed address): a declaration updates it first, so two
    declarations of one client are counted one after the other (issue 18, finding 11)."""

    ip_hash = models.CharField(max_length=64, unique=True)
    touched_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.ip_hash[:12]


# Clue endings and corrections live in their own module (models of this app).
from villageaid.cases.endings import ClueEnding, ClueEscalation, Correction  # noqa: E402, F401
