"""The policy tables in Django's admin: versions with their yearly income ranges."""

from typing import Any

from django.contrib import admin

from villageaid.policy.models import IncomeRange, PolicyVersion


class IncomeRangeInline(admin.TabularInline[IncomeRange, PolicyVersion]):
    model = IncomeRange
    extra = 1


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin[PolicyVersion]):
    list_display = ("code", "name", "area_code", "effective_from", "effective_to", "shipped")
    list_filter = ("shipped", "area_code")
    inlines = [IncomeRangeInline]

    def save_model(self, request: Any, obj: PolicyVersion, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
