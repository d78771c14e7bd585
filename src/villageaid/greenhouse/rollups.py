"""Readings rolled up per sensor into 5-minute and hourly buckets (count, sum, min, max),
and the retention policy that deletes raw readings once they are rolled up.

**Filled by a periodic job, not by the listener's batch.** ``villageaid greenhouse-rollup``
(cron, every 5 minutes; the retention command runs it first) reads the readings whose *id*
is above a watermark (:class:`RollupMark`) and merges them into the buckets with one
``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` per bucket width. Reasons:

- the ingest path stays one insert and one update per batch: the telemetry target (5,000
  readings/s through one listener) has no room for a per-batch upsert of hot bucket rows,
  which two listeners on a shared subscription would also fight over (row locks);
- the readings arrive through several doors (each listener, the HTTP gateway endpoint, the
  demo); one job sees them all, whichever door they took;
- reading by id, not by time, counts a late reading (a gateway flushing hours of buffered
  data) exactly once: it gets a new id, so the next run merges it into its old bucket. A
  time-window job would either miss it or have to recompute buckets.

Exactly once: the run and the watermark move in one transaction, so a crash or a second
runner (the mark row is locked) never counts a reading twice. On PostgreSQL the run first
takes a brief ``SHARE`` lock on the readings table, which waits for inserts in flight: no
reading with an id below the frontier it then reads can commit later (ids come from the
sequence while the inserting transaction holds its lock). SQLite has one writer at a time.

Charts (:func:`selectors.sensor_history`) add the raw readings above the watermark to the
rollups, so a chart is exact whenever the job last ran. Retention deletes only raw readings
older than ``GREENHOUSE_RAW_DAYS`` *and* at or below the watermark, so an un-rolled-up
reading is never deleted, however the job was scheduled.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from villageaid.core import audit
from villageaid.greenhouse.models import Reading, ReadingRollup, RollupMark

logger = logging.getLogger(__name__)

MARK = "readings"
WIDTHS = (ReadingRollup.FIVE_MINUTES, ReadingRollup.HOUR)
CHUNK = 500_000  # reading ids per transaction (a first run over months of readings)
DELETE_BATCH = 50_000


def raw_days() -> int:
    """Raw readings are kept this many days (0: forever)."""
    return int(getattr(settings, "GREENHOUSE_RAW_DAYS", 30))


def rollup_days(width: int) -> int:
    """Rollups of ``width`` seconds are kept this many days (0: forever)."""
    if width == ReadingRollup.FIVE_MINUTES:
        return int(getattr(settings, "GREENHOUSE_ROLLUP_5MIN_DAYS", 400))
    return int(getattr(settings, "GREENHOUSE_ROLLUP_HOUR_DAYS", 3660))


def rolled_up_to() -> int:
    """The watermark: every reading with an id up to this is in the rollups."""
    mark = RollupMark.objects.filter(name=MARK).values_list("last_reading_id", flat=True).first()
    return int(mark or 0)


def _frontier() -> int:
    """The highest reading id that no insert still in flight can go below."""
    table = connection.ops.quote_name(Reading._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _bucket_sql(width: int) -> str:
    if connection.vendor == "postgresql":
        return f"to_timestamp(floor(extract(epoch FROM ts) / {width}) * {width})"
    # SQLite stores UTC text; the bucket start is written back in the same format.
    return f"datetime((CAST(strftime('%%s', ts) AS INTEGER) / {width}) * {width}, 'unixepoch')"


def _merge(width: int, low: int, high: int) -> None:
    """Merge the readings with ``low < id <= high`` into the buckets of ``width`` seconds."""
    quote = connection.ops.quote_name
    rollups, readings = quote(ReadingRollup._meta.db_table), quote(Reading._meta.db_table)
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    bucket = _bucket_sql(width)
    sql = (
        f"INSERT INTO {rollups} (sensor_id, width, start, count, total, minimum, maximum) "  # noqa: S608
        f"SELECT sensor_id, {width}, {bucket}, COUNT(*), SUM(value), MIN(value), MAX(value) "
        f"FROM {readings} WHERE id > %s AND id <= %s GROUP BY sensor_id, {bucket} "
        "ON CONFLICT (sensor_id, width, start) DO UPDATE SET "
        f"count = {rollups}.count + excluded.count, "
        f"total = {rollups}.total + excluded.total, "
        f"minimum = {least}({rollups}.minimum, excluded.minimum), "
        f"maximum = {greatest}({rollups}.maximum, excluded.maximum)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [low, high])


def rollup_readings(*, chunk: int = CHUNK) -> int:
    """Merge every reading stored since the last run into the rollups; returns how many
    readings were merged. Idempotent: a second run right after merges nothing."""
    frontier = _frontier()
    merged = 0
    while True:
        with transaction.atomic():
            mark = RollupMark.objects.select_for_update().filter(name=MARK).first()
            if mark is None:
                mark = RollupMark.objects.create(name=MARK)
                mark = RollupMark.objects.select_for_update().get(pk=mark.pk)
            low = mark.last_reading_id
            if low >= frontier:
                break
            high = min(frontier, low + chunk)
            merged += Reading.objects.filter(pk__gt=low, pk__lte=high).count()
            for width in WIDTHS:
                _merge(width, low, high)
            mark.last_reading_id = high
            mark.updated_at = timezone.now()
            mark.save(update_fields=["last_reading_id", "updated_at"])
    if merged:
        logger.info("rolled up %d readings (up to id %d)", merged, frontier)
    return merged


def readings_retention(
    *,
    now: dt.datetime | None = None,
    keep_raw_days: int | None = None,
    rollup_first: bool = True,
    batch: int = DELETE_BATCH,
) -> dict[str, int]:
    """Roll up (unless ``rollup_first`` is False), then delete raw readings older than
    ``keep_raw_days`` that are at or below the watermark, and rollups past their own
    retention. Returns the counts deleted; running it again deletes nothing more."""
    now = now or timezone.now()
    keep = raw_days() if keep_raw_days is None else keep_raw_days
    counts = {"rolled_up": rollup_readings() if rollup_first else 0, "readings": 0}
    mark = rolled_up_to()
    if keep > 0:
        cutoff = now - dt.timedelta(days=keep)
        old = Reading.objects.filter(ts__lt=cutoff, pk__lte=mark).order_by("pk")
        while ids := list(old.values_list("pk", flat=True)[:batch]):
            with transaction.atomic():
                deleted, _ = Reading.objects.filter(pk__in=ids).delete()
            counts["readings"] += deleted
    for width in WIDTHS:
        days = rollup_days(width)
        key = f"rollups_{width}s"
        counts[key] = 0
        if days > 0:
            start = now - dt.timedelta(days=days)
            counts[key], _ = ReadingRollup.objects.filter(width=width, start__lt=start).delete()
    if any(counts[k] for k in counts if k != "rolled_up"):
        audit.record(
            actor=None,
            action="greenhouse.retention",
            after=dict(counts),
            note=f"raw readings kept {keep} days",
        )
    return counts
