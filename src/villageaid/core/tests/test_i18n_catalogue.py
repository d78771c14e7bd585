"""The English catalogue covers every string marked for translation.

Chinese is the source language; `locale/en/LC_MESSAGES/django.po` must give every marked
string (templates and Python, tests excluded) a non-empty English translation whose
placeholders match the source, or the English pages fall back to Chinese or break.

When this fails after you add a string, run
    cd src/villageaid && VILLAGEAID_TESTING=1 ../../.venv/bin/villageaid makemessages -l en \
        --no-obsolete --no-location --ignore='*/tests/*'
translate the new entries in the .po, and rebuild the .mo (`make assets`).

No gettext tools at test time: templates go through Django's own `templatize` (what
`makemessages` feeds to xgettext), Python files through `ast`.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polib
from django.utils.translation.template import templatize

PACKAGE = Path(__file__).resolve().parents[2]
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATE_SUFFIXES = {".html", ".txt"}

# function name -> (has context, has plural); positional string arguments are
# [context,] singular [, plural]
FUNCTIONS = {
    "_": (False, False),
    "gettext": (False, False),
    "gettext_lazy": (False, False),
    "gettext_noop": (False, False),
    "ngettext": (False, True),
    "ngettext_lazy": (False, True),
    "pgettext": (True, False),
    "pgettext_lazy": (True, False),
    "npgettext": (True, True),
    "npgettext_lazy": (True, True),
}

# (context, singular, plural) of one marked string
Message = tuple[str | None, str, str | None]

_STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_CALL = re.compile(
    r"(?<![\w.])(?P<name>" + "|".join(sorted(FUNCTIONS, key=len, reverse=True)) + r")"
    r"\(\s*(?P<args>" + _STRING + r"(?:\s*,\s*" + _STRING + r")*)"
)
_ARG = re.compile(_STRING)
_NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifgeExXr]")
_POSITIONAL = re.compile(r"%(?!\()[#0 +-]*\d*(?:\.\d+)?[sdifgeExXr]")
_BRACES = re.compile(r"\{(\w*)\}")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _source_files(suffixes: set[str]) -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if path.suffix in suffixes and "tests" not in parts and "static" not in parts:
            yield path


def _message(name: str, strings: list[str]) -> Message | None:
    has_context, has_plural = FUNCTIONS[name]
    needed = 1 + has_context + has_plural
    if len(strings) < needed:
        return None
    context = strings.pop(0) if has_context else None
    return context, strings[0], strings[1] if has_plural else None


def template_messages(path: Path) -> Iterator[Message]:
    """Marked strings of a template, as `makemessages` sees them."""
    for call in _CALL.finditer(templatize(path.read_text(encoding="utf-8"), origin=str(path))):
        strings = [ast.literal_eval(s.lstrip("u")) for s in _ARG.findall(call["args"])]
        message = _message(call["name"], strings)
        if message is not None:
            yield message


def python_messages(path: Path) -> Iterator[Message]:
    """Marked strings of a Python file: calls to `_`, `gettext_lazy`, ... with literal args."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in FUNCTIONS:
            continue
        strings: list[str] = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                break
            strings.append(arg.value)
        message = _message(name, strings)
        if message is not None:
            yield message


@functools.cache
def marked_messages() -> dict[Message, set[str]]:
    """Every marked string of the project, with the files that mark it."""
    found: dict[Message, set[str]] = {}
    sources = [(p, template_messages) for p in _source_files(TEMPLATE_SUFFIXES)]
    sources += [(p, python_messages) for p in _source_files({".py"})]
    for path, extract in sources:
        for message in extract(path):
            found.setdefault(message, set()).add(str(path.relative_to(PACKAGE)))
    return found


def placeholders(text: str, *, braces: bool) -> Counter[str]:
    """What must survive translation: %-placeholders, HTML tags and (if used) {fields}."""
    found: Counter[str] = Counter()
    found.update(f"%({n})" for n in _NAMED.findall(text))
    found.update("%" + m[-1] for m in _POSITIONAL.findall(text.replace("%%", "")))
    found.update(f"<{t.lower()}>" for t in _TAG.findall(text))
    if braces:
        found.update("{" + n + "}" for n in _BRACES.findall(text))
    return found


def catalogue_problems(found: dict[Message, set[str]], catalogue: Path = CATALOGUE) -> list[str]:
    po = polib.pofile(str(catalogue))
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems = []
    for (context, msgid, _plural), files in sorted(found.items(), key=str):
        where = ", ".join(sorted(files))
        entry = entries.get((context, msgid))
        if entry is None:
            problems.append(f"not in the catalogue: {msgid!r} ({where})")
            continue
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags or not translations or not all(t.strip() for t in translations):
            problems.append(f"no English translation: {msgid!r} ({where})")
            continue
        sources = [msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        braces = bool(_BRACES.search(msgid))
        expected = placeholders(sources[-1], braces=braces)
        for translation in translations:
            if placeholders(translation, braces=braces) != expected:
                problems.append(f"placeholders differ: {msgid!r} -> {translation!r} ({where})")
    return problems


def test_scanner_finds_the_marked_strings() -> None:
    found = marked_messages()
    assert len(found) > 500
    assert any(f.endswith(".html") for f in found[(None, "今日待办", None)])  # {% trans %}
    assert (None, "%(n)s 条报警", "%(n)s 条报警") in found  # {% blocktrans count %}
    assert (None, "按村", None) in found  # _("…") inside a template tag
    assert any(f.endswith("roles.py") for f in found[(None, "帮扶责任人", None)])  # gettext_lazy


def test_placeholders_are_compared() -> None:
    assert placeholders("剩 %(n)s 天", braces=False) == placeholders(
        "%(n)s days left", braces=False
    )
    assert placeholders("剩 %(n)s 天", braces=False) != placeholders("%(days)s left", braces=False)
    assert placeholders("<b>%s</b> 100%%", braces=False) == Counter({"%s": 1, "<b>": 2})
    assert placeholders("{count} 条", braces=True) != placeholders("{n} items", braces=True)


def test_problems_name_the_string_and_the_file(tmp_path: Path) -> None:
    catalogue = tmp_path / "django.po"
    po = polib.POFile()
    po.append(polib.POEntry(msgid="剩 %(n)s 天", msgstr="%(days)s days left"))
    po.append(polib.POEntry(msgid="农户", msgstr=""))
    po.append(polib.POEntry(msgid="退回", msgstr="Log out", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="走访", msgstr="Visits"))
    po.save(str(catalogue))
    found: dict[Message, set[str]] = {
        (None, "剩 %(n)s 天", None): {"cases/templates/cases/_clock.html"},
        (None, "农户", None): {"registry/models.py"},
        (None, "退回", None): {"cases/forms.py"},
        (None, "走访", None): {"visits/apps.py"},
        (None, "新加的字符串", None): {"sales/views.py", "sales/templates/sales/x.html"},
    }
    problems = catalogue_problems(found, catalogue)
    assert sorted(problems) == sorted(
        [
            "placeholders differ: '剩 %(n)s 天' -> '%(days)s days left' "
            "(cases/templates/cases/_clock.html)",
            "no English translation: '农户' (registry/models.py)",
            "no English translation: '退回' (cases/forms.py)",
            "not in the catalogue: '新加的字符串' (sales/templates/sales/x.html, sales/views.py)",
        ]
    )


def test_every_marked_string_has_an_english_translation() -> None:
    problems = catalogue_problems(marked_messages())
    assert not problems, f"{len(problems)} catalogue problem(s):\n" + "\n".join(problems[:50])
