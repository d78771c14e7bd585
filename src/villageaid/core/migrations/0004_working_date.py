from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_lean_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkingDate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("reason", models.CharField(blank=True, max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name": "工作日期"},
        ),
    ]
