# ruff: noqa: S608  (SQL is assembled from checked catalogue values, never user text)
"""Clues in two passes: the (rule, household) set at the run, the evidence where it is read.

The run (``write_clue_files``) lets every rule run once into the *evidence file*: its rows as
the rules give them, ID numbers already masked, no ``DISTINCT``, no JSON. The *clue file*
(rule, household, village, sorted) is a ``DISTINCT`` of two columns of it. The JSON evidence
of each clue (one object per distinct row, concatenated) is built by the second pass,
:func:`evidence_query`, where the clues are read: the CSV writer and the Django push read
every clue once, in one streamed query over both files.

The evidence file keeps ``person_key``, a 64-bit hash of the unmasked ID number, next to the
masked one: ``DISTINCT`` must tell apart two persons whose masked numbers coincide (and must
merge a person listed twice), as it did on the unmasked rows. Two different ID numbers of one
clue would be merged only if their hashes collided *and* their masks and every other field
were equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from villageaid.screening.engine.derived import mask_sql

EVIDENCE_FILE_COLUMNS = (
    "rule_code",
    "household_code",
    "person_key",
    "person",
    "source",
    "record_date",
    "amount",
    "detail",
)


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def rule_order_sql(column: str, codes: Iterable[str]) -> str:
    """The rule's place in the catalogue, for ``ORDER BY``."""
    whens = " ".join(f"WHEN {_literal(code)} THEN {n}" for n, code in enumerate(codes))
    return f"CASE {column} {whens} END"


def evidence_rows_sql(relation: str = "ev_all") -> str:
    """The evidence file's rows from ``relation`` (every rule's rows, unmasked)."""
    return (
        "SELECT rule_code, household_code, hash(person_id) AS person_key, "
        f"{mask_sql('person_id')} AS person, source, record_date, amount, detail "
        f"FROM {relation}"
    )


def clue_set_sql(evidence_file: Path, codes: Iterable[str], households: str) -> str:
    """One row per (rule, household) of the evidence file, with the village from
    ``households`` (a relation with ``household_code, village_code``), in catalogue order,
    then household."""
    return (
        "SELECT c.rule_code, c.household_code, h.village_code FROM (SELECT DISTINCT rule_code, "
        f"household_code FROM read_parquet({_literal(evidence_file)})) c "
        "LEFT JOIN (SELECT household_code, MIN(village_code) AS village_code "
        f"FROM {households} GROUP BY household_code) h ON h.household_code = c.household_code "
        f"ORDER BY {rule_order_sql('c.rule_code', codes)}, c.household_code"
    )


def evidence_query(clue_file: Path, evidence_file: Path, codes: Iterable[str]) -> str:
    """Every clue of the clue file with its JSON evidence, in the clue file's order:
    ``rule_code, household_code, village_code, evidence``."""
    # One JSON object per distinct evidence row, concatenated per clue; no ORDER BY inside
    # the aggregate (it sorts per group and doubles the cost): the items' order is
    # unspecified, as it always was (compare as a set, ``reference.canonical``).
    item = (
        "CAST(json_object('person', e.person, 'source', e.source, "
        "'date', CAST(e.record_date AS VARCHAR), 'value', CAST(e.amount AS VARCHAR), "
        "'detail', e.detail) AS VARCHAR)"
    )
    grouped = (
        f"SELECT e.rule_code, e.household_code, '[' || string_agg({item}, ',') || ']' AS evidence "
        f"FROM (SELECT DISTINCT * FROM read_parquet({_literal(evidence_file)})) e "
        "GROUP BY e.rule_code, e.household_code"
    )
    return (
        "SELECT c.rule_code, c.household_code, c.village_code, g.evidence "
        f"FROM read_parquet({_literal(clue_file)}) c JOIN ({grouped}) g "
        "ON g.rule_code = c.rule_code AND g.household_code = c.household_code "
        f"ORDER BY {rule_order_sql('c.rule_code', codes)}, c.household_code"
    )
