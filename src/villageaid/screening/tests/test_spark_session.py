"""The Spark session is built from settings alone: the unit part needs no cluster; the
integration part runs the engine on a ``local-cluster`` (a master and two worker JVMs of
the pinned PySpark, separate executor processes reading the exchange directory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from villageaid.screening.engine import reference, run_screening
from villageaid.screening.engine.spark import (
    SETTING_NAMES,
    SparkSettings,
    SparkSettingsError,
    get_session,
    session_config,
    stop_session,
)
from villageaid.screening.tests.builders import AS_OF, household, make_id, person, write_world


def test_defaults_when_nothing_is_set() -> None:
    settings = SparkSettings.from_mapping({"SPARK_MASTER": "", "SPARK_SHARED_DIR": ""})
    assert settings == SparkSettings()
    config = session_config(settings)
    assert config["spark.master"] == "local[*]"
    assert config["spark.driver.memory"] == "4g"
    assert "spark.executor.memory" not in config
    assert "spark.driver.host" not in config


def test_a_standalone_cluster_from_the_environment() -> None:
    settings = SparkSettings.from_mapping(
        {
            "SPARK_MASTER": "spark://127.0.0.1:7077",
            "SPARK_DRIVER_MEMORY": "2g",
            "SPARK_EXECUTOR_MEMORY": "4g",
            "SPARK_EXECUTOR_CORES": "1",
            "SPARK_SHARED_DIR": "file:///srv/exchange",
        }
    )
    assert settings.shared_dir == "/srv/exchange"
    config = session_config(settings)
    assert config["spark.master"] == "spark://127.0.0.1:7077"
    assert config["spark.driver.memory"] == "2g"
    assert config["spark.executor.memory"] == "4g"
    assert config["spark.executor.cores"] == "1"
    # executors on this machine call the driver back on loopback
    assert config["spark.driver.host"] == "127.0.0.1"
    assert config["spark.sql.ansi.enabled"] == "false"


def test_yarn_leaves_the_driver_address_to_spark() -> None:
    config = session_config(SparkSettings.from_mapping({"SPARK_MASTER": "yarn"}))
    assert config["spark.master"] == "yarn"
    assert "spark.driver.host" not in config


@pytest.mark.parametrize(
    ("name", "value"),
    [("SPARK_EXECUTOR_CORES", "two"), ("SPARK_SHARED_DIR", "s3a://bucket/exchange")],
)
def test_settings_the_engine_cannot_use_are_refused(name: str, value: str) -> None:
    with pytest.raises(SparkSettingsError, match=name):
        SparkSettings.from_mapping({name: value})


def test_django_settings_are_the_source_in_the_application() -> None:
    for name in SETTING_NAMES:
        assert hasattr(django_settings, name), name
    with override_settings(SPARK_MASTER="spark://10.0.0.5:7077", SPARK_EXECUTOR_MEMORY="6g"):
        settings = SparkSettings.current()
    assert settings.master == "spark://10.0.0.5:7077"
    assert settings.executor_memory == "6g"
    assert session_config(settings)["spark.executor.memory"] == "6g"


@pytest.mark.spark
def test_the_engine_on_a_local_cluster_reads_a_shared_directory(tmp_path: Path) -> None:
    """Two executor JVMs (``local-cluster[2,1,1024]``) read the staged Parquet from
    ``SPARK_SHARED_DIR`` and write the evidence rows there; the clues equal DuckDB's."""
    adult = make_id(AS_OF.replace(year=1980), 1)
    households = [household("H1", household_type="tuopin"), household("H2")]
    persons = [person(adult, "H1", medical_insurance="0"), person(adult, "H2")]
    sources = {"real_estate": [{"id_number": adult, "property_type": "shop"}]}
    registry, src = write_world(tmp_path, households, persons, sources)
    shared = tmp_path / "shared"
    cluster = SparkSettings(
        master="local-cluster[2,1,1024]", driver_memory="1g", shared_dir=str(shared)
    )
    try:
        spark = get_session(cluster)
        assert spark.sparkContext.master == "local-cluster[2,1,1024]"
        with override_settings(
            SPARK_MASTER=cluster.master,
            SPARK_DRIVER_MEMORY="1g",
            SPARK_EXECUTOR_MEMORY="",
            SPARK_EXECUTOR_CORES=0,
            SPARK_SHARED_DIR=str(shared),
        ):
            assert SparkSettings.current() == cluster  # the run reuses this session
            on_spark = run_screening(
                registry_dir=registry, sources_dir=src, as_of=AS_OF, engine="spark"
            )
    finally:
        stop_session()
    on_duckdb = run_screening(registry_dir=registry, sources_dir=src, as_of=AS_OF)
    assert {c.rule_code for c in on_duckdb.clues} >= {"A03", "Q02", "R12"}
    assert reference.canonical([c.__dict__ for c in on_spark.clues]) == reference.canonical(
        [c.__dict__ for c in on_duckdb.clues]
    )
    assert shared.is_dir() and not any(shared.iterdir())  # the exchange folder is removed
