"""PDFs rendered the way a server with no font at all renders them.

fontconfig reads its configuration once per process, so the rendering runs in a child
process whose ``FONTCONFIG_FILE`` lists no font directory. A crash inside WeasyPrint
(the segfault of a fontless server) then fails the test instead of killing the worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from villageaid.core import pdf

EMPTY_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""
RENDER = (
    "import sys\n"
    "from villageaid.core.pdf import html_to_pdf\n"
    "sys.stdout.buffer.write(html_to_pdf(sys.stdin.read(), base_url=sys.argv[1]))\n"
)
PLAIN = (  # WeasyPrint alone, as the views called it before the font was shipped
    "import sys\n"
    "from weasyprint import HTML\n"
    "sys.stdout.buffer.write(HTML(string=sys.stdin.read(), base_url=sys.argv[1]).write_pdf())\n"
)


def empty_fontconfig(folder: Path) -> dict[str, str]:
    """The environment of a machine whose fontconfig knows no font."""
    config = folder / "fonts.conf"
    config.write_text(EMPTY_CONFIG.format(cache=folder / "fc-cache"), encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(folder)}


def render(html: str, folder: Path, *, script: str = RENDER, base_url: str = "/") -> bytes:
    proc = subprocess.run(
        [sys.executable, "-c", script, base_url],
        input=html.encode(),
        capture_output=True,
        env=empty_fontconfig(folder),
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr.decode(errors="replace")[-2000:])
    return proc.stdout


@pytest.fixture(name="fontless_pdf")
def fontless_pdf_fixture(monkeypatch: Any, tmp_path: Path) -> Iterator[list[int]]:
    """Views' PDFs rendered in a fontless child process; yields the sizes rendered.

    Import ``fontless_pdf_fixture`` into a test module to use ``fontless_pdf``."""
    sizes: list[int] = []

    def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
        if not pdf.fonts.installed():
            raise pdf.FontMissing(str(pdf.fonts.FONT_DIR))
        data = render(html, tmp_path, base_url=base_url or "/")
        sizes.append(len(data))
        return data

    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    yield sizes


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    return "".join("".join(page.extract_text().split()) for page in pages)  # lines rejoined


def pdf_fonts(data: bytes) -> set[str]:
    """The base names of the fonts a PDF's pages use (subset prefix dropped)."""
    import io

    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names
