"""The screening engine: rule catalogue as data, compiled to set-based SQL.

Public entry points: :func:`run_screening`, :func:`run_screening_on_connection`,
:func:`write_clues_csv`, :func:`build_catalogue`.
"""

from villageaid.screening.engine.catalogue import build_catalogue
from villageaid.screening.engine.expr import ExpressionError
from villageaid.screening.engine.loader import InputError
from villageaid.screening.engine.ruledef import CatalogueError
from villageaid.screening.engine.run import (
    Clue,
    ScreeningResult,
    run_screening,
    run_screening_on_connection,
    write_clues_csv,
)

__all__ = [
    "CatalogueError",
    "Clue",
    "ExpressionError",
    "InputError",
    "ScreeningResult",
    "build_catalogue",
    "run_screening",
    "run_screening_on_connection",
    "write_clues_csv",
]
