# ruff: noqa: S608  (SQL is assembled from fixed relation and column names, never user text)
"""Record linkage: department rows without a clean ID matched to registry persons.

A department row whose ID is valid and in the registry is clean and never comes here. For
the rest, in order (``docs/record-linkage.md``):

1. **Upgrade.** A 15-digit ID whose GB 11643 upgrade is a registry ID is that person
   (the mapping is fixed by the standard): kind ``upgraded``, no confirmation needed.
2. **Probabilistic linkage** with Splink on name (characters, pinyin, swapped given-name
   characters), birth date, sex, village and the row's ID *candidates* (a mistyped check
   character or two adjacent characters swapped back, ``core.idnumber.repair_candidates``):
   a candidate only adds weight, so an ID is never "fixed" to a person the other fields
   contradict. The best registry person at or above :data:`THRESHOLD` (and clearly ahead
   of the runner-up) is the link: kind ``linked``; its clues wait for a cadre's
   confirmation.

The model is one :func:`linkage_settings` object used as is by Splink's DuckDB and Spark
back ends. m-probabilities come from the documented error model
(``linkage_synth.ERROR_MODEL``, the field audit's rates); u-probabilities are estimated
on the data by random sampling (they depend on the population: name frequencies, village
sizes); the prior from a deterministic rule with the recall the error model implies.

Inputs are DuckDB relations:

- registry: ``person_id`` (18-character ID), ``name``, ``sex``, ``birth_date``,
  ``village_code`` (12 digits), ``household_code``;
- department: ``row_key`` (unique), ``id_number``, ``name``, ``sex``, ``birth_date``,
  ``village_code`` (any may be NULL).

Output: the table ``lk_links`` (``row_key``, ``person_id``, ``household_code``, ``kind``,
``probability``, ``weight``, ``agreed``: the fields that agreed, codes of
:data:`AGREED_LABELS`).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from villageaid.core import idnumber

# The match probability a link needs (chosen on the 100 k and 1 M benchmark runs,
# docs/record-linkage.md): below it a row stays in the bad-ID list.
THRESHOLD = 0.99
# The best candidate must lead the runner-up by this many match-weight bits (a factor of
# 2**MARGIN in the odds), else the row is ambiguous and stays unlinked.
MARGIN = 3.0
UPGRADED, LINKED = "upgraded", "linked"

# m-probabilities: P(level | true match), from the error model (linkage_synth.ERROR_MODEL),
# listed best level first, the "else" level last. u-probabilities are the fallbacks used
# when random sampling sees too few pairs at a level (an ID candidate shared by two random
# people is practically never seen).
M_NAME = (0.87, 0.075, 0.03, 0.02, 0.005)  # exact, same pinyin, swapped, one char, else
U_NAME = (2e-4, 5e-5, 1e-5, 2e-3, 0.9977)
M_BIRTH = (0.945, 0.05, 0.003, 0.002)  # exact, one digit or day/month, same year, else
U_BIRTH = (4e-5, 1e-3, 0.012, 0.987)
M_SEX = (0.999, 0.001)
U_SEX = (0.5, 0.5)
M_VILLAGE = (0.955, 0.04, 0.005)  # same village, same township, else
U_VILLAGE = (1e-3, 1e-2, 0.989)
M_ID = (0.8, 0.19, 0.01)  # a repair candidate is the ID, ID within 2 edits, else
U_ID = (1e-9, 1e-6, 0.999999)
# P(name, birth date and village all exact | match) under the error model: the recall of
# the deterministic rule the prior is estimated with.
PRIOR_RULE_RECALL = 0.79

AGREED_LABELS = {
    "name": _("姓名一致"),
    "name_pinyin": _("姓名同音（异体字或同音字）"),
    "name_swapped": _("名字两字颠倒"),
    "name_near": _("姓名相差一字"),
    "birth_date": _("出生日期一致"),
    "birth_near": _("出生日期相差一位或日月颠倒"),
    "birth_year": _("出生年份一致"),
    "sex": _("性别一致"),
    "village": _("行政村一致"),
    "township": _("同一乡镇"),
    "id_candidate": _("证件号码纠错后一致"),
    "id_near": _("证件号码相近"),
    UPGRADED: _("15位证件号码升位后一致"),
}
# gamma value → agreed code, per comparison (Splink numbers the best level highest).
_GAMMA = {
    "name": {4: "name", 3: "name_pinyin", 2: "name_swapped", 1: "name_near"},
    "birth": {3: "birth_date", 2: "birth_near", 1: "birth_year"},
    "sex": {1: "sex"},
    "village": {2: "village", 1: "township"},
    "id": {2: "id_candidate", 1: "id_near"},
}

log = logging.getLogger(__name__)


@dataclass
class LinkStats:
    """What one linkage run did."""

    rows: int = 0
    clean: int = 0
    upgraded: int = 0
    linked: int = 0
    unmatched: int = 0
    compared_pairs: int = 0
    seconds: float = 0.0
    backend: str = "duckdb"
    timings: dict[str, float] = field(default_factory=dict)


def linkage_settings(prior: float = 1e-6) -> Any:
    """The one Splink model definition, for the DuckDB and the Spark back end alike;
    ``prior`` is the probability that two random records match (:func:`estimate_prior`)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    def levels(items: list[Any], m: Iterable[float], u: Iterable[float]) -> list[Any]:
        return [
            level.configure(m_probability=mp, u_probability=up)
            for level, mp, up in zip(items, m, u, strict=True)
        ]

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name"),
            *levels(
                [
                    cll.ExactMatchLevel("name", term_frequency_adjustments=True),
                    cll.CustomLevel("name_py_l = name_py_r", "same pinyin"),
                    cll.CustomLevel("name_bag_l = name_bag_r", "given-name characters swapped"),
                    cll.LevenshteinLevel("name", 1),
                    cll.ElseLevel(),
                ],
                M_NAME,
                U_NAME,
            ),
        ],
    )
    swapped = (
        "(substr(birth_l, 1, 4) = substr(birth_r, 1, 4) AND "
        "substr(birth_l, 5, 2) = substr(birth_r, 7, 2) AND "
        "substr(birth_l, 7, 2) = substr(birth_r, 5, 2))"
    )
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_levels=[
            cll.NullLevel("birth"),
            *levels(
                [
                    cll.ExactMatchLevel("birth"),
                    cll.CustomLevel(
                        f"levenshtein(birth_l, birth_r) <= 1 OR {swapped}",
                        "one digit or day and month swapped",
                    ),
                    cll.CustomLevel("substr(birth_l, 1, 4) = substr(birth_r, 1, 4)", "year"),
                    cll.ElseLevel(),
                ],
                M_BIRTH,
                U_BIRTH,
            ),
        ],
    )
    sex = cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            *levels([cll.ExactMatchLevel("sex"), cll.ElseLevel()], M_SEX, U_SEX),
        ],
    )
    village = cl.CustomComparison(
        output_column_name="village",
        comparison_levels=[
            cll.NullLevel("village"),
            *levels(
                [cll.ExactMatchLevel("village"), cll.ExactMatchLevel("township"), cll.ElseLevel()],
                M_VILLAGE,
                U_VILLAGE,
            ),
        ],
    )
    id_number = cl.CustomComparison(
        output_column_name="id",
        comparison_levels=[
            cll.NullLevel("id_text"),
            *levels(
                [
                    cll.ArrayIntersectLevel("id_candidates", 1),
                    cll.LevenshteinLevel("id_text", 2),
                    cll.ElseLevel(),
                ],
                M_ID,
                U_ID,
            ),
        ],
    )
    return SettingsCreator(
        link_type="link_only",
        probability_two_random_records_match=prior,
        unique_id_column_name="unique_id",
        comparisons=[name, birth, sex, village, id_number],
        blocking_rules_to_generate_predictions=[
            block_on("name_bag", "birth"),
            block_on("name_bag", "village"),
            block_on("birth", "village"),
            block_on("id_body"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,  # keeps the gamma columns: the fields that agreed
        additional_columns_to_retain=[],
    )


# --- preparing the two sides --------------------------------------------------------------


def _pinyin_rows(names: Iterable[str]) -> pa.Table:
    """name → toneless pinyin, and the 'bag' (surname's pinyin, then the given name's
    syllables sorted): equal bags catch swapped given-name characters. Computed once per
    distinct character."""
    cache: dict[str, str] = {}

    def syllable(char: str) -> str:
        if char not in cache:
            cache[char] = (lazy_pinyin(char) or [char])[0]
        return cache[char]

    out_name, out_py, out_bag = [], [], []
    for name in names:
        syllables = [syllable(c) for c in name]
        out_name.append(name)
        out_py.append(" ".join(syllables))
        out_bag.append(" ".join(syllables[:1] + sorted(syllables[1:])))
    return pa.table({"name": out_name, "name_py": out_py, "name_bag": out_bag})


def _id_candidates(ids: Iterable[str]) -> pa.Table:
    raw, candidates, text = [], [], []
    for value in ids:
        norm = idnumber.normalise(value)
        found = (
            [norm] if idnumber.is_valid(norm) else [c for c, _ in idnumber.repair_candidates(norm)]
        )
        raw.append(value)
        candidates.append(found)
        text.append(found[0] if len(norm) == 15 and found else norm)
    return pa.table(
        {
            "id_raw": raw,
            "id_candidates": pa.array(candidates, pa.list_(pa.string())),
            "id_text": text,
        }
    )


def _birth_from_id(col: str) -> str:
    return (
        f"CASE WHEN length({col}) = 18 THEN try_strptime(substr({col}, 7, 8), '%Y%m%d') "
        f"WHEN length({col}) = 15 THEN try_strptime('19' || substr({col}, 7, 6), '%Y%m%d') END"
    )


def _sex_from_id(col: str) -> str:
    """The sequence code's parity: position 17 of 18, 15 of 15."""
    digit = f"CASE length({col}) WHEN 18 THEN substr({col}, 17, 1) WHEN 15 THEN substr({col}, 15, 1) END"
    return (
        f"CASE WHEN regexp_full_match({digit}, '[0-9]') THEN "
        f"CASE WHEN CAST({digit} AS INTEGER) % 2 = 1 THEN '1' ELSE '2' END END"
    )


def prepare(con: duckdb.DuckDBPyConnection, *, registry: str, department: str) -> int:
    """Create ``lk_reg`` and ``lk_dept`` (Splink's input columns), ``lk_clean`` and
    ``lk_upgraded``; returns the number of department rows left for Splink."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_d0 AS SELECT CAST(row_key AS VARCHAR) AS row_key, "
        "NULLIF(upper(trim(CAST(id_number AS VARCHAR))), '') AS i, "
        "NULLIF(trim(CAST(name AS VARCHAR)), '') AS name, "
        "NULLIF(trim(CAST(sex AS VARCHAR)), '') AS sex, "
        "TRY_CAST(NULLIF(trim(CAST(birth_date AS VARCHAR)), '') AS DATE) AS birth_date, "
        "NULLIF(trim(CAST(village_code AS VARCHAR)), '') AS village_code "
        f"FROM {department}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_r0 AS SELECT CAST(person_id AS VARCHAR) AS person_id, "
        "CAST(name AS VARCHAR) AS name, CAST(sex AS VARCHAR) AS sex, "
        "TRY_CAST(CAST(birth_date AS VARCHAR) AS DATE) AS birth_date, "
        "CAST(village_code AS VARCHAR) AS village_code, "
        f"CAST(household_code AS VARCHAR) AS household_code FROM {registry}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_clean AS SELECT d.row_key, r.person_id, r.household_code "
        "FROM lk_d0 d JOIN lk_r0 r ON r.person_id = d.i"
    )
    ids = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT i FROM lk_d0 WHERE i IS NOT NULL AND row_key NOT IN "
            "(SELECT row_key FROM lk_clean)"
        ).fetchall()
    ]
    lk_idc = _id_candidates(ids)  # noqa: F841  (read by DuckDB below)
    con.execute("CREATE OR REPLACE TEMP TABLE lk_idc AS SELECT * FROM lk_idc")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_upgraded AS SELECT d.row_key, r.person_id, "
        "r.household_code FROM lk_d0 d JOIN lk_idc c ON c.id_raw = d.i "
        "JOIN lk_r0 r ON length(d.i) = 15 AND r.person_id = c.id_candidates[1] "
        "WHERE d.row_key NOT IN (SELECT row_key FROM lk_clean)"
    )
    names = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT name FROM (SELECT name FROM lk_r0 UNION ALL SELECT name FROM lk_d0) "
            "WHERE name IS NOT NULL"
        ).fetchall()
    ]
    lk_py = _pinyin_rows(names)  # noqa: F841
    con.execute("CREATE OR REPLACE TEMP TABLE lk_py AS SELECT * FROM lk_py")
    birth = "strftime({0}, '%Y%m%d')"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_reg AS SELECT r.person_id AS unique_id, r.name, "
        "p.name_py, p.name_bag, " + birth.format("r.birth_date") + " AS birth, r.sex, "
        "r.village_code AS village, substr(r.village_code, 1, 9) AS township, "
        "[r.person_id] AS id_candidates, r.person_id AS id_text, "
        "substr(r.person_id, 1, 17) AS id_body FROM lk_r0 r LEFT JOIN lk_py p ON p.name = r.name"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_dept AS SELECT d.row_key AS unique_id, d.name, "
        "p.name_py, p.name_bag, "
        + birth.format(f"COALESCE(d.birth_date, {_birth_from_id('d.i')})")
        + f" AS birth, COALESCE(d.sex, {_sex_from_id('d.i')}) AS sex, "
        "d.village_code AS village, substr(d.village_code, 1, 9) AS township, "
        "CASE WHEN d.i IS NOT NULL THEN c.id_candidates END AS id_candidates, "
        "c.id_text, CASE WHEN length(c.id_text) = 18 THEN substr(c.id_text, 1, 17) END AS id_body "
        "FROM lk_d0 d LEFT JOIN lk_idc c ON c.id_raw = d.i LEFT JOIN lk_py p ON p.name = d.name "
        "WHERE d.name IS NOT NULL AND d.row_key NOT IN "
        "(SELECT row_key FROM lk_clean UNION ALL SELECT row_key FROM lk_upgraded)"
    )
    return int(con.execute("SELECT count(*) FROM lk_dept").fetchall()[0][0])


# --- training and prediction ---------------------------------------------------------------


def estimate_prior(con: duckdb.DuckDBPyConnection) -> float:
    """Splink's direct estimate, computed here once for both back ends: pairs agreeing
    exactly on name, birth date and village, over the rule's recall under the error model,
    over all pairs."""
    pairs, n_left, n_right = con.execute(
        "SELECT (SELECT count(*) FROM lk_dept d JOIN lk_reg r ON d.name = r.name AND "
        "d.birth = r.birth AND d.village = r.village), (SELECT count(*) FROM lk_dept), "
        "(SELECT count(*) FROM lk_reg)"
    ).fetchall()[0]
    if not n_left or not n_right:
        return 1e-6
    return min(0.5, max(int(pairs), 1) / PRIOR_RULE_RECALL / (int(n_left) * int(n_right)))


def _train(linker: Any, *, seed: int = 24) -> None:
    """u by random sampling; m stay the error model's, the prior is :func:`estimate_prior`."""
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)


def _predict_duckdb(con: duckdb.DuckDBPyConnection, workdir: Path, prior: float) -> None:
    from splink import DuckDBAPI, Linker

    api = DuckDBAPI(connection=con)
    linker = Linker(
        [
            api.register("lk_dept", dataset_display_name="department"),
            api.register("lk_reg", dataset_display_name="registry"),
        ],
        linkage_settings(prior),
        log_level=logging.WARNING,
    )
    _train(linker)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE lk_pairs AS SELECT * FROM {predictions.physical_name}"
    )
    predictions.drop_table_from_database_and_remove_from_cache()


def _predict_spark(con: duckdb.DuckDBPyConnection, workdir: Path, prior: float, spark: Any) -> None:
    """The same settings on Splink's Spark back end: the prepared sides go over as Parquet
    and the pairs come back the same way."""
    from splink import Linker, SparkAPI

    for name in ("lk_dept", "lk_reg"):
        con.execute(f"COPY {name} TO '{workdir / name}.parquet' (FORMAT parquet)")
    # The model uses only Spark's built-in functions: no similarity UDFs from Splink's JAR.
    api = SparkAPI(
        spark_session=spark, register_udfs_automatically=False, break_lineage_method="persist"
    )
    linker = Linker(
        [
            api.register(
                spark.read.parquet(str(workdir / "lk_dept.parquet")),
                dataset_display_name="department",
            ),
            api.register(
                spark.read.parquet(str(workdir / "lk_reg.parquet")),
                dataset_display_name="registry",
            ),
        ],
        linkage_settings(prior),
        log_level=logging.WARNING,
    )
    _train(linker)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    out = workdir / "lk_pairs"
    predictions.as_spark_dataframe().write.mode("overwrite").parquet(str(out))
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE lk_pairs AS SELECT * FROM read_parquet('{out}/*.parquet')"
    )


def _agreed_sql() -> str:
    parts = []
    for column, codes in _GAMMA.items():
        cases = " ".join(f"WHEN {g} THEN '{code}'" for g, code in codes.items())
        parts.append(f"CASE gamma_{column} {cases} END")
    return f"list_filter([{', '.join(parts)}], lambda x: x IS NOT NULL)"


def link(
    con: duckdb.DuckDBPyConnection,
    *,
    registry: str,
    department: str,
    threshold: float = THRESHOLD,
    margin: float = MARGIN,
    backend: str = "duckdb",
    spark: Any = None,
) -> LinkStats:
    """Link ``department`` rows to ``registry`` persons; the result is ``lk_links``."""
    started = time.perf_counter()
    stats = LinkStats(backend=backend)
    logging.getLogger("splink").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="villageaid-linkage-") as tmp:
        left = prepare(con, registry=registry, department=department)
        stats.timings["prepare"] = time.perf_counter() - started
        if left:
            prior = estimate_prior(con)
            if backend == "spark":
                _predict_spark(con, Path(tmp), prior, spark)
            else:
                _predict_duckdb(con, Path(tmp), prior)
        else:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE lk_pairs AS SELECT NULL::VARCHAR AS unique_id_l, "
                "NULL::VARCHAR AS unique_id_r, NULL::VARCHAR AS source_dataset_l, "
                "0.0 AS match_probability, 0.0 AS match_weight, "
                + ", ".join(f"0 AS gamma_{c}" for c in _GAMMA)
                + " WHERE false"
            )
    stats.timings["predict"] = time.perf_counter() - started - stats.timings["prepare"]
    # Pairs come out with either side on the left: put the department row first.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_ranked AS SELECT "
        "CASE WHEN source_dataset_l = 'department' THEN unique_id_l ELSE unique_id_r END "
        "AS row_key, CASE WHEN source_dataset_l = 'department' THEN unique_id_r "
        "ELSE unique_id_l END AS person_id, match_probability AS probability, "
        f"match_weight AS weight, {_agreed_sql()} AS agreed, "
        "row_number() OVER (PARTITION BY CASE WHEN source_dataset_l = 'department' "
        "THEN unique_id_l ELSE unique_id_r END ORDER BY match_weight DESC, "
        "CASE WHEN source_dataset_l = 'department' THEN unique_id_r ELSE unique_id_l END) "
        "AS rank FROM lk_pairs"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE lk_links AS "
        f"SELECT row_key, person_id, household_code, '{UPGRADED}' AS kind, 1.0 AS probability, "
        f"NULL::DOUBLE AS weight, ['{UPGRADED}'] AS agreed FROM lk_upgraded UNION ALL "
        f"SELECT b.row_key, b.person_id, r.household_code, '{LINKED}', b.probability, b.weight, "
        "b.agreed FROM lk_ranked b JOIN lk_r0 r ON r.person_id = b.person_id "
        "LEFT JOIN lk_ranked s ON s.row_key = b.row_key AND s.rank = 2 "
        f"WHERE b.rank = 1 AND b.probability >= {float(threshold)!r} "
        f"AND (s.weight IS NULL OR b.weight - s.weight >= {float(margin)!r})"
    )
    row = con.execute(
        "SELECT (SELECT count(*) FROM lk_d0), (SELECT count(*) FROM lk_clean), "
        f"(SELECT count(*) FROM lk_links WHERE kind = '{UPGRADED}'), "
        f"(SELECT count(*) FROM lk_links WHERE kind = '{LINKED}'), (SELECT count(*) FROM lk_pairs)"
    ).fetchall()[0]
    stats.rows, stats.clean, stats.upgraded, stats.linked, stats.compared_pairs = map(int, row)
    stats.unmatched = stats.rows - stats.clean - stats.upgraded - stats.linked
    for name in ("lk_d0", "lk_idc", "lk_py", "lk_dept", "lk_reg", "lk_pairs"):
        con.execute(f"DROP TABLE IF EXISTS {name}")
    stats.seconds = time.perf_counter() - started
    return stats


# --- department files in, linked department files out --------------------------------------

LINK_COLUMNS = ("name", "sex", "birth_date", "village_code")


@dataclass
class SourceLinks:
    """What :func:`link_sources` did: the folder the engine should read, the run's figures
    and the linked rows the clues must carry (kind ``linked`` only: an upgraded 15-digit
    ID needs no confirmation)."""

    directory: Path
    stats: LinkStats
    links: list[dict[str, Any]]


def link_sources(
    con: duckdb.DuckDBPyConnection,
    *,
    registry: str,
    sources_dir: Path,
    out_dir: Path,
    threshold: float = THRESHOLD,
) -> SourceLinks:
    """Link the rows of every department file in ``sources_dir`` (INTERFACES 3.1; the
    optional columns ``name``, ``sex``, ``birth_date``, ``village_code`` feed the linkage)
    to ``registry`` and write, per file with a link, a Parquet copy to ``out_dir`` whose
    ``id_number`` is the linked person's; other files are linked to as they are. The
    engine then screens ``out_dir`` unchanged: its bad-ID list keeps only the rows that
    match nobody."""
    from villageaid.screening.engine.datasets import DEPARTMENT
    from villageaid.screening.engine.loader import attach_file, find_file, quote_literal

    out_dir.mkdir(parents=True, exist_ok=True)
    parts: list[str] = []
    present: dict[str, tuple[Path, str, str | None]] = {}
    with tempfile.TemporaryDirectory(prefix="villageaid-linkage-src-") as tmp:
        for dataset in DEPARTMENT:
            path = find_file(sources_dir, dataset.name)
            if path is None:
                continue
            raw = f"lk_raw_{dataset.name}"
            attach_file(con, path, raw, Path(tmp), hash_parquet=False)
            columns = {
                str(r[0]).strip().lstrip("\ufeff"): str(r[0])
                for r in con.execute(f"DESCRIBE {raw}").fetchall()
            }
            if "id_number" not in columns:
                (out_dir / path.name).symlink_to(path.resolve())
                continue
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE lk_src_{dataset.name} AS "
                f"SELECT *, row_number() OVER () AS lk_rn FROM {raw}"
            )

            def col(name: str, found: dict[str, str] = columns) -> str:
                return f'"{found[name]}"' if name in found else "NULL"

            date = dataset.date_column if dataset.date_column in columns else None
            present[dataset.name] = (path, columns["id_number"], date)
            parts.append(
                f"SELECT '{dataset.name}:' || lk_rn AS row_key, {col('id_number')} AS id_number, "
                + ", ".join(f"{col(c)} AS {c}" for c in LINK_COLUMNS)
                + f" FROM lk_src_{dataset.name}"
            )
        if parts:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE lk_department AS {' UNION ALL '.join(parts)}"
            )
            stats = link(con, registry=registry, department="lk_department", threshold=threshold)
        else:
            stats = LinkStats()
        links: list[dict[str, Any]] = []
        for name, (path, id_column, date) in present.items():
            found = con.execute(
                f"SELECT count(*) FROM lk_links WHERE row_key LIKE '{name}:%'"
            ).fetchall()[0][0]
            if not found:
                (out_dir / path.name).symlink_to(path.resolve())
                continue
            escaped = id_column.replace('"', '""')
            con.execute(
                f'COPY (SELECT s.* EXCLUDE (lk_rn) REPLACE (COALESCE(l.person_id, s."{escaped}") '
                f'AS "{escaped}") FROM lk_src_{name} s LEFT JOIN lk_links l '
                f"ON l.row_key = '{name}:' || s.lk_rn ORDER BY s.lk_rn) "
                f"TO {quote_literal(out_dir / f'{name}.parquet')} (FORMAT parquet)"
            )
            date_sql = f'CAST(TRY_CAST(s."{date}" AS DATE) AS VARCHAR)' if date else "NULL"
            for row in con.execute(
                f"SELECT l.person_id, l.household_code, {date_sql}, l.probability, l.weight, "
                f"l.agreed FROM lk_links l JOIN lk_src_{name} s ON l.row_key = '{name}:' || "
                f"s.lk_rn WHERE l.kind = '{LINKED}'"
            ).fetchall():
                links.append(
                    {
                        "person": idnumber.mask(str(row[0])),
                        "household_code": row[1],
                        "source": name,
                        "date": row[2] or "",
                        "kind": LINKED,
                        "probability": round(float(row[3]), 6),
                        "weight": round(float(row[4]), 2),
                        "agreed": list(row[5]),
                    }
                )
        for name in present:
            con.execute(f"DROP TABLE IF EXISTS lk_src_{name}")
        for dataset in DEPARTMENT:
            con.execute(f"DROP VIEW IF EXISTS lk_raw_{dataset.name}")
    return SourceLinks(directory=out_dir, stats=stats, links=links)
