"""``parse_roster``: read (:mod:`.reading`), validate (:mod:`.validation`), and report."""

from __future__ import annotations

from villageaid.registry.roster.cells import as_text
from villageaid.registry.roster.model import (
    REQUIRED_FIELDS,
    ROSTER_HEADERS,
    ParseResult,
    Progress,
    RosterError,
    VillageExists,
)
from villageaid.registry.roster.reading import Source, collect_rows, header_map, locate
from villageaid.registry.roster.validation import Parser

PROGRESS_EVERY = 2000


def parse_roster(
    source: Source,
    *,
    village_code: str | None = None,
    village_exists: VillageExists | None = None,
    village_allowed: VillageExists | None = None,
    progress: Progress | None = None,
) -> ParseResult:
    """Parse and validate a roster (XLSX, XLS or CSV) without touching the database.

    ``village_code`` is used where the roster has no 行政村代码 value; ``village_exists`` is
    asked once per village code found, and so is ``village_allowed`` (the uploader's area: a
    village outside it is refused on every row naming it). ``progress(done_rows, total_rows_or_None)`` is called
    every couple of thousand rows and at the end. Raises :class:`RosterError` when the file as a
    whole cannot be read, or is over the caps of :mod:`.limits`.
    """
    table, header_row, header_cells = locate(source)
    columns = header_map(header_cells)
    missing = [ROSTER_HEADERS[n][0] for n in REQUIRED_FIELDS if n not in columns]
    if missing:
        raise RosterError("缺少必需的列：" + "、".join(missing))
    if "village_code" not in columns and not village_code:
        raise RosterError("缺少“行政村代码”列：请在表中填写，或在导入时指定村")
    headers = [as_text(h) for h in header_cells]
    parser = Parser(columns, headers, village_code, village_exists, village_allowed)
    total = None if table.total is None else max(table.total - header_row, 0)
    for done, (number, cells) in enumerate(table.rows, start=1):
        parser.row(number, cells)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
    late = parser.finish()
    if late:
        parser.rejected_rows.update(collect_rows(source, table.sheet, late))
    if progress is not None:  # the end: a streamed sheet's total is known only now
        final = total if total is not None else parser.rows
        progress(final, final)
    return _result(parser, headers, table.sheet, header_row)


def _result(parser: Parser, headers: list[str], sheet: str, header_row: int) -> ParseResult:
    households, persons, person_rows, rejected_households = parser.results()
    return ParseResult(
        households=households,
        persons=persons,
        rejected=parser.rejected,
        headers=headers,
        rejected_rows=dict(sorted(parser.rejected_rows.items())),
        sheet=sheet,
        header_row=header_row,
        person_rows=person_rows,
        counts={
            "rows": parser.rows,
            "rejected_rows": len({r.row for r in parser.rejected}),
            "households": len(households),
            "persons": len(persons),
            "rejected_households": rejected_households,
        },
    )
