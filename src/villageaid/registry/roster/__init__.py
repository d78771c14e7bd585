"""Staged import of village household rosters (INTERFACES 2.2) and the interchange files (2.1).

:func:`parse_roster` reads an XLSX (streamed), XLS or CSV roster within the caps of
:mod:`.limits`, finds the header row under any title rows, normalises harmless variants and
rejects the rest with the row number the user sees in the spreadsheet, the column header and a
reason in Chinese. It touches no database: the caller decides what to do with the
:class:`ParseResult` (by default, commit nothing when ``result.rejected`` is not empty), and
checks it against the registry and the uploader's area (``registry.rosterscope``).

A household is only returned when every one of its rows was accepted. Values in the returned
dicts are strings in the INTERFACES 2.1 form, exactly what :func:`write_interchange` writes.

The modules, in the order a file passes them: :mod:`.limits` (caps), :mod:`.reading` and
:mod:`.xlsx` (rows), :mod:`.cells` (one value), :mod:`.validation` (rows and households),
:mod:`.parse`, :mod:`.error_workbook`, :mod:`.interchange`; :mod:`.model` holds the shapes.
"""

from villageaid.core.sheets import safe_cell
from villageaid.registry.roster.cells import check_digit, validate_id
from villageaid.registry.roster.error_workbook import write_error_workbook
from villageaid.registry.roster.interchange import read_interchange, write_interchange
from villageaid.registry.roster.model import (
    HOUSEHOLD_COLUMNS,
    PERSON_COLUMNS,
    ROSTER_HEADERS,
    ParseResult,
    Progress,
    Rejection,
    RosterError,
)
from villageaid.registry.roster.parse import parse_roster

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "PERSON_COLUMNS",
    "ROSTER_HEADERS",
    "ParseResult",
    "Progress",
    "Rejection",
    "RosterError",
    "check_digit",
    "parse_roster",
    "read_interchange",
    "safe_cell",
    "validate_id",
    "write_error_workbook",
    "write_interchange",
]
