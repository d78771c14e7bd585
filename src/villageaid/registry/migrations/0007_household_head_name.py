from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_household_figure"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="head_name",
            field=models.CharField(blank=True, editable=False, max_length=50, verbose_name="户主"),
        ),
    ]
