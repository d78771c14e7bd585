"""The registry in the admin: households are read there, and their editable facts go
through ``services.household_update``; the protected fields are read-only (they change
only through a case or a correction)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from villageaid.registry import services
from villageaid.registry.models import Household


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin[Household]):
    list_display = ("code", "village", "household_type", "monitoring_status")
    search_fields = ("code",)
    fields = ("code", "village", *services.PROTECTED, *services.EDITABLE)
    readonly_fields = ("code", "village", *services.PROTECTED)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # households come from the roster import

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Household, form: Any, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        fresh = Household.objects.get(pk=obj.pk)
        services.household_update(household=fresh, actor=request.user, **changes)
