"""Weather generator and weather-file reader (INTERFACES §5)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from villageaid.greenhouse.simulation.weather import (
    COLUMNS,
    SHIPPED_TRACE,
    generate_weihai,
    read_weather,
    write_csv,
)

HEADER = ",".join(COLUMNS)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "w.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_shipped_trace_is_small_complete_and_readable() -> None:
    assert SHIPPED_TRACE.stat().st_size < 1_000_000
    assert SHIPPED_TRACE.read_text(encoding="utf-8").splitlines()[0] == HEADER
    trace = read_weather(SHIPPED_TRACE)
    assert trace.step_s == 600
    assert len(trace) == 61 * 144
    assert trace.start.isoformat() == "2020-03-01T00:00:00+08:00"


def test_shipped_trace_follows_normals_and_has_the_hard_days() -> None:
    trace = read_weather(SHIPPED_TRACE)
    daily = trace.daily_max()
    assert daily[date(2020, 4, 25)] > 23.0  # warm spell
    assert (
        min(
            trace.air_temp_c[
                (trace.t >= trace.t[0] + 9 * 86400) & (trace.t < trace.t[0] + 10 * 86400)
            ]
        )
        < -2.0
    )
    gale = (trace.t >= trace.t[0] + 38 * 86400) & (trace.t < trace.t[0] + 39 * 86400)  # 8 April
    assert trace.wind_ms[gale].mean() > 7.0 and trace.rh_pct[gale].mean() < 40.0
    april = trace.t >= trace.t[0] + 31 * 86400
    daily_mj = trace.ghi_wm2[april].sum() * 600 / 1e6 / 30
    assert daily_mj == pytest.approx(20.0, rel=0.15)  # §4.3 April global radiation
    # RH runs against temperature through the day
    temp_day = trace.air_temp_c.reshape(-1, 144)
    rh_day = trace.rh_pct.reshape(-1, 144)
    temp_anom = (temp_day - temp_day.mean(axis=1, keepdims=True)).ravel()
    rh_anom = (rh_day - rh_day.mean(axis=1, keepdims=True)).ravel()
    assert np.corrcoef(temp_anom, rh_anom)[0, 1] < -0.7
    assert trace.ghi_wm2.max() < 1100 and trace.ghi_wm2.min() == 0.0


def test_generator_is_deterministic_by_seed_and_roundtrips(tmp_path: Path) -> None:
    a = generate_weihai(date(2020, 4, 1), date(2020, 4, 3), seed=5)
    b = generate_weihai(date(2020, 4, 1), date(2020, 4, 3), seed=5)
    c = generate_weihai(date(2020, 4, 1), date(2020, 4, 3), seed=6)
    assert np.array_equal(a.air_temp_c, b.air_temp_c)
    assert not np.array_equal(a.air_temp_c, c.air_temp_c)
    write_csv(a, tmp_path / "a.csv")
    back = read_weather(tmp_path / "a.csv")
    assert np.allclose(back.air_temp_c, a.air_temp_c, atol=0.01)
    assert len(back.to_minutes()) == (len(a) - 1) * 10 + 1


def test_reader_accepts_bom_gb18030_no_offset_and_hourly_steps(tmp_path: Path) -> None:
    rows = "\n2020-03-01T00:00:00,1,80,2,0\n2020-03-01T01:00:00,2,78,2,0\n"
    trace = read_weather(_write(tmp_path, "\ufeff" + HEADER + rows))
    assert trace.step_s == 3600
    assert trace.start.utcoffset() is not None and trace.start.hour == 0
    assert read_weather(
        _write(tmp_path, HEADER + ",备注" + rows.replace(",0\n", ",0,晴\n"), "gb18030")
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "ts,air_temp_c,rh_pct,wind_ms\n2020-03-01T00:00:00+08:00,1,2,3\n",
            "missing column(s) ghi_wm2",
        ),
        (
            HEADER
            + "\n2020-03-01T00:00:00+08:00,1,80,2,0\n2020-03-01T00:10:00+08:00,warm,80,2,0\n",
            "row 3, column air_temp_c: not a number",
        ),
        (
            HEADER + "\n2020-03-01T00:00:00+08:00,1,80,2,0\n2020-03-01T00:10:00+08:00,1,180,2,0\n",
            "row 3, column rh_pct",
        ),
        (
            HEADER + "\n2020-03-01T00:00:00+08:00,1,80,2,0\nyesterday,1,80,2,0\n",
            "row 3, column ts",
        ),
        (
            HEADER
            + "\n2020-03-01T00:00:00+08:00,1,80,2,0\n2020-03-01T00:10:00+08:00,1,80,2,0"
            + "\n2020-03-01T00:30:00+08:00,1,80,2,0\n",
            "row 4, column ts: step 1200 s differs",
        ),
        (
            HEADER + "\n2020-03-01T00:00:00+08:00,1,80,2,0\n2020-03-01T02:00:00+08:00,1,80,2,0\n",
            "need a whole 1–60 min",
        ),
        (HEADER + "\n", "at least two data rows"),
        (
            HEADER + "\n2020-03-01T00:00:00+08:00,1,80,nan,0\n2020-03-01T00:10:00+08:00,1,80,2,0\n",
            "wind_ms",
        ),
    ],
)
def test_reader_rejects_bad_input_naming_row_and_column(
    tmp_path: Path, body: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_weather(_write(tmp_path, body))


def test_reader_missing_file_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not found"):
        read_weather(tmp_path / "none.csv")
