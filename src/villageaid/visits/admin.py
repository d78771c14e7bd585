"""Configuration tables an administrator edits: visit intervals per area and point rules."""

from django.contrib import admin

from villageaid.visits.models import PointRule, VisitRule


@admin.register(VisitRule)
class VisitRuleAdmin(admin.ModelAdmin[VisitRule]):
    list_display = ("area", "monitored_months", "other_months")

    def save_model(self, request: object, obj: VisitRule, form: object, change: bool) -> None:
        obj.area_path = obj.area.path
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin[PointRule]):
    list_display = ("code", "name", "points", "area", "active")
