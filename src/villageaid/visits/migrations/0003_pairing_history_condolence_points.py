from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("visits", "0002_bounded_inputs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="campaign",
            name="sample_rate",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("1")),
                    django.core.validators.MaxValueValidator(Decimal("100")),
                ],
                verbose_name="抽样比例（%）",
            ),
        ),
        migrations.AddField(
            model_name="condolencevisit",
            name="cash_yuan",
            field=models.DecimalField(
                decimal_places=2,
                default=Decimal("0"),
                max_digits=10,
                validators=[
                    django.core.validators.MinValueValidator(Decimal("0")),
                    django.core.validators.MaxValueValidator(Decimal("10000000")),
                ],
                verbose_name="慰问金（元）",
            ),
        ),
        migrations.AddField(
            model_name="condolencevisit",
            name="household",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="condolences",
                to="registry.household",
            ),
        ),
        migrations.AddField(
            model_name="condolencevisit",
            name="visitors",
            field=models.CharField(blank=True, max_length=200, verbose_name="慰问人员"),
        ),
        migrations.AlterField(
            model_name="condolencevisit",
            name="member",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="condolences",
                to="visits.partymember",
            ),
        ),
        migrations.AddField(
            model_name="helperassignment",
            name="assigned_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="helperassignment",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="登记时间"
            ),
        ),
        migrations.AddField(
            model_name="helperassignment",
            name="end_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="调整原因"),
        ),
        migrations.AddField(
            model_name="helperassignment",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="helperassignment",
            name="reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="结对原因"),
        ),
        migrations.AddField(
            model_name="pointentry",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="审核时间"),
        ),
        migrations.AddField(
            model_name="pointentry",
            name="decision_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="审核意见"),
        ),
        migrations.AddField(
            model_name="visit",
            name="answers",
            field=models.JSONField(blank=True, default=dict, verbose_name="走访回答"),
        ),
        migrations.AddField(
            model_name="visit",
            name="income_change",
            field=models.CharField(
                blank=True,
                choices=[
                    ("up", "增加"),
                    ("same", "基本持平"),
                    ("down", "减少"),
                    ("sharp", "大幅减少"),
                ],
                max_length=8,
                verbose_name="收入变化",
            ),
        ),
    ]
