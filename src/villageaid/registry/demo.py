"""Demo registry: the village of Beima (INTERFACES section 6)."""

from __future__ import annotations

from villageaid.core.demo import BEIMA, DemoContext
from villageaid.registry import synth
from villageaid.registry.models import Household
from villageaid.registry.services import registry_commit


def load(ctx: DemoContext) -> None:
    if Household.objects.filter(village_id=BEIMA).exists():
        return
    village = synth.beima_village()
    counts = registry_commit(
        households=village.households, persons=village.persons, actor=None, source="demo: 北马村"
    )
    for group, codes in synth.beima_groups().items():  # not in the roster: set as the village does
        Household.objects.filter(code__in=codes).update(group_name=group)
    ctx.say(f"  北马村: {counts['households_created']} 户, {counts['persons_created']} 人")
