"""The measures catalogue is policy data (``villageaid/policy/data``, section ``measures``).

The model field's choices are the union over the shipped versions, so an old case's
measure keeps its label; which measures a decision may use, their kinds and the risk types
they address come from the case's policy version.
"""

from __future__ import annotations

from villageaid.policy.shipped import all_measure_choices

MEASURE_CHOICES: list[tuple[str, str]] = all_measure_choices()
MEASURE_LABELS: dict[str, str] = dict(MEASURE_CHOICES)
