"""PDFs print every glyph in the shipped font, on a server with no font of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from villageaid.core import fonts, pdf
from villageaid.core.tests.fontless import PLAIN, pdf_fonts, pdf_text, render

TEXT = "北马村防止返贫监测对象识别公示 第三组 王建国 2020-04-05 Notice №7"
HTML = f"<html><body><h1>{TEXT}</h1><p><b>粗体</b> 一二三 abc 0123456789</p></body></html>"


def test_shipped_font_is_a_full_simplified_chinese_font_with_its_licence() -> None:
    from fontTools.ttLib import TTFont

    assert fonts.installed(), "run `make assets`"
    gb2312 = {chr(c) for c in range(0x4E00, 0xA000)} & _gb2312_hanzi()
    for path in fonts.paths():
        cmap = TTFont(path, lazy=True).getBestCmap()
        assert not [ch for ch in gb2312 if ord(ch) not in cmap]
        assert all(c in cmap for c in range(0x20, 0x7F))  # Latin and digits too
    assert "SIL Open Font License" in (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")


def _gb2312_hanzi() -> set[str]:
    found = set()
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    assert len(found) == 6763
    return found


def test_pdf_on_a_server_without_fonts_holds_the_chinese_text(tmp_path: Path) -> None:
    data = render(HTML, tmp_path)
    text = pdf_text(data)
    assert "".join(TEXT.split()) in text
    assert "粗体" in text and "0123456789" in text
    assert len(data) < 60_000  # only the glyphs used are embedded, not the 10 MB font
    shipped = fonts.FAMILY.replace(" ", "-")
    assert pdf_fonts(data) == {shipped, f"{shipped}-Bold"}  # no other font embedded


def test_without_the_shipped_font_such_a_server_loses_the_text(tmp_path: Path) -> None:
    """What the test above guards against: WeasyPrint alone crashes or prints no Chinese."""
    with pytest.raises(AssertionError) as failed:
        assert "北马村" in pdf_text(render(HTML, tmp_path, script=PLAIN))
    assert failed.value is not None


def test_font_css_points_at_the_shipped_files_only() -> None:
    css = fonts.pdf_css()
    for path in fonts.paths():
        assert path.as_uri() in css
    assert "local(" not in css
    assert "!important" in css


def test_broken_install_is_refused_with_a_guard(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    assert not fonts.installed()
    with pytest.raises(pdf.FontMissing):
        pdf.html_to_pdf(HTML)
