"""Every message a service raises is translatable (issue 21): ``raise SomeError("…")`` with a
bare string — a literal, an f-string, or a literal formatted with ``%`` / ``.format`` — in a
service module fails here; the message must go through gettext (``_("…") % {...}``), with
Chinese source text and an English entry in the catalogue (test_i18n_catalogue).

Internal programmer errors that no user sees are listed in :data:`INTERNAL`, each by its file
and the start of its message, so a new one is a decision, not an accident.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

# Modules whose errors reach users: every services module and package, and the registry's and
# cases' other writers.
EXTRA = ("registry/figures.py", "registry/imports.py", "registry/transfers.py", "cases/endings.py")

# (module, start of the message): errors for programmers, never shown to a user.
INTERNAL = {
    ("sales/services/orders.py", "lot "),  # Lot.DoesNotExist for an id the caller checked: a 404
    ("sales/services.py", "lot "),
    ("screening/services.py", "unknown clue status"),  # a caller passing a bad constant
}


def service_modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.glob("*/services.py")):
        yield path
    for path in sorted(PACKAGE.glob("*/services/*.py")):
        yield path
    for name in EXTRA:
        if (PACKAGE / name).exists():
            yield PACKAGE / name


def _bare(node: ast.AST) -> bool:
    """A string that was not passed through gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _bare(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _bare(node.func.value)
    return False


def _text(node: ast.AST) -> str:
    while isinstance(node, ast.BinOp):
        node = node.left
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        return str(first.value) if isinstance(first, ast.Constant) else ""
    return ""


def untranslated(source: str, module: str) -> list[str]:
    """``module:line: message`` for each raise with a bare string message."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc
        messages = call.args[:1] + [k.value for k in call.keywords if k.arg in {"message", "msg"}]
        for message in filter(_bare, messages):
            text = _text(message)
            if any(module == m and text.startswith(start) for m, start in INTERNAL):
                continue
            found.append(f"{module}:{node.lineno}: {text!r}")
    return found


def test_the_scan_tells_bare_from_translated() -> None:
    source = (
        "def f(x):\n"
        "    raise ServiceError('未知的项目')\n"
        "    raise ServiceError(f'{x}超出范围')\n"
        "    raise ValueError('%s bad' % x)\n"
        "    raise ServiceError(message='请填写')\n"
        "    raise ServiceError(_('未知的项目'), code='x')\n"
        "    raise ServiceError(_('%(x)s超出范围') % {'x': x})\n"
        "    raise ServiceError('；'.join(x))\n"
        "    raise PermissionDenied\n"
        "    raise ValueError('unknown clue status')\n"
    )
    assert untranslated(source, "x/services.py") == [
        "x/services.py:2: '未知的项目'",
        "x/services.py:3: ''",
        "x/services.py:4: '%s bad'",
        "x/services.py:5: '请填写'",
        "x/services.py:10: 'unknown clue status'",
    ]
    assert not any(":10:" in f for f in untranslated(source, "screening/services.py"))


def test_service_messages_are_translatable() -> None:
    modules = list(service_modules())
    assert len(modules) > 20
    found = []
    for path in modules:
        module = str(path.relative_to(PACKAGE))
        found += untranslated(path.read_text(encoding="utf-8"), module)
    assert not found, f"{len(found)} untranslated service message(s):\n" + "\n".join(found)
