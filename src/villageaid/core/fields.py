"""Model fields shared by the apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class PathField(models.CharField):
    """An area path (``/``-separated codes, ``/``-terminated).

    On PostgreSQL the column uses the ``"C"`` collation, so that one plain btree index
    serves both the subtree match of ``core.access`` (``LIKE 'path%'`` becomes an index
    range) and ``ORDER BY area_path``: a scoped list then reads its first page straight
    from the index. Paths are ASCII digits and ``/``, so the order is the same as in
    any other collation (and as SQLite's binary one).
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
