import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PolicyVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="版本编号")),
                ("name", models.CharField(max_length=200, verbose_name="名称")),
                ("area_code", models.CharField(blank=True, help_text="空为全国；省或县的12位区划代码", max_length=15, verbose_name="适用区划代码")),
                ("effective_from", models.DateField(verbose_name="生效日期")),
                ("effective_to", models.DateField(blank=True, null=True, verbose_name="失效日期")),
                ("data", models.JSONField(blank=True, default=dict, verbose_name="政策内容")),
                ("shipped", models.BooleanField(default=False, editable=False, verbose_name="随系统发布")),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="说明")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("base", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="overlays", to="policy.policyversion", verbose_name="叠加于")),
                ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "政策版本",
                "verbose_name_plural": "政策版本",
                "ordering": ["effective_from", "area_code", "code"],
            },
        ),
        migrations.CreateModel(
            name="IncomeRange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name="年度")),
                ("line", models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal("1")), django.core.validators.MaxValueValidator(Decimal("1000000"))], verbose_name="监测范围上限（元/人·年）")),
                ("basis", models.CharField(choices=[("fixed_yuan", "固定金额"), ("multiple_of_national_line", "国家扶贫标准的倍数"), ("multiple_of_dibao", "农村低保标准的倍数")], default="fixed_yuan", max_length=30, verbose_name="确定方式")),
                ("multiple", models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name="倍数")),
                ("base_line", models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True, verbose_name="基准线（元）")),
                ("income_concept", models.CharField(choices=[("net", "人均纯收入"), ("disposable", "人均可支配收入")], default="net", max_length=12, verbose_name="收入口径")),
                ("confirmed", models.BooleanField(default=False, verbose_name="已核实")),
                ("source", models.CharField(max_length=500, verbose_name="来源")),
                ("version", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="ranges", to="policy.policyversion")),
            ],
            options={
                "verbose_name": "收入监测范围",
                "verbose_name_plural": "收入监测范围",
                "ordering": ["version", "year"],
                "constraints": [models.UniqueConstraint(fields=("version", "year"), name="policy_range_once_per_year")],
            },
        ),
    ]
